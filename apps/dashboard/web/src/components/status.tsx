import type { ComponentChildren } from 'preact';

export function ErrorNote(props: { error: Error | undefined; what?: string }) {
  if (!props.error) return null;
  return (
    <p class="error" role="alert">
      {props.what ? `${props.what}: ` : ''}
      {props.error.message}
    </p>
  );
}

export function Loading(props: { loading: boolean; children?: ComponentChildren }) {
  return props.loading ? (
    <p class="muted" role="status" aria-live="polite">
      {props.children ?? 'Loading…'}
    </p>
  ) : null;
}

export function Section(props: { title: string; id?: string; children: ComponentChildren; actions?: ComponentChildren }) {
  const headingId = `${props.id ?? props.title.toLowerCase().replace(/[^a-z0-9]+/g, '-')}-heading`;
  return (
    <section class="card" aria-labelledby={headingId} data-testid={props.id}>
      <div class="card-head">
        <h2 id={headingId}>{props.title}</h2>
        {props.actions}
      </div>
      {props.children}
    </section>
  );
}

export function StatusBadge(props: { status: string }) {
  return (
    <span class={`badge badge-${props.status}`} data-testid="dataset-status">
      {props.status}
    </span>
  );
}

/** Cursor pagination: the API hands out nextCursor; "previous" replays the cursors seen. */
export function Pager(props: { page: number; hasPrev: boolean; hasNext: boolean; onPrev: () => void; onNext: () => void; label: string }) {
  return (
    <nav class="pager" aria-label={props.label}>
      <button type="button" onClick={props.onPrev} disabled={!props.hasPrev}>
        ← Previous
      </button>
      <span aria-live="polite">Page {props.page}</span>
      <button type="button" onClick={props.onNext} disabled={!props.hasNext}>
        Next →
      </button>
    </nav>
  );
}
