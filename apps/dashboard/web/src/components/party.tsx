import { useState } from 'preact/hooks';
import { shortHash } from '../format';

/**
 * A party as people know it: the display name, with the id on hover (title)
 * and a button that copies it. Without a name (not yours to see, or not
 * registered) the shortened id is shown instead.
 */
export function Party(props: { id: string; name?: string | null; testId?: string; idChars?: number }) {
  const [copied, setCopied] = useState(false);
  const copy = () => {
    void navigator.clipboard?.writeText(props.id).then(
      () => {
        setCopied(true);
        setTimeout(() => setCopied(false), 1500);
      },
      () => undefined,
    );
  };
  return (
    <span class="party" data-testid={props.testId ?? 'party'} data-id={props.id} data-name={props.name ?? ''}>
      {props.name ? (
        <span title={`id ${props.id}`}>{props.name}</span>
      ) : (
        <code title={props.id}>{shortHash(props.id, props.idChars ?? 14)}</code>
      )}
      <button type="button" class="link copy" onClick={copy} title={`Copy id ${props.id}`}>
        <span aria-hidden="true">{copied ? '✓' : '⧉'}</span>
        <span class="sr-only">{copied ? 'Copied' : `Copy id of ${props.name ?? props.id}`}</span>
      </button>
    </span>
  );
}
