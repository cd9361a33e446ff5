import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';

export interface StoreHealthReport {
  ok: boolean;
  kind: string;
  detail?: string;
  headPosition?: number;
}

export interface RegisteredStore {
  /** Name in GET /health, e.g. "eventStore". */
  name: string;
  health(): Promise<StoreHealthReport>;
  close(): Promise<void>;
}

const HEALTH_TIMEOUT_MS = 3000;

/**
 * Every store the process opened: /health asks each, and shutdown closes each
 * (in reverse order of opening) after the HTTP server has finished its
 * in-flight requests — Nest runs onApplicationShutdown after closing the server.
 */
@Injectable()
export class StoreRegistry implements OnApplicationShutdown {
  private readonly logger = new Logger('Stores');
  private readonly stores: RegisteredStore[] = [];
  private closed = false;

  register(store: RegisteredStore): void {
    this.stores.push(store);
  }

  async healthReport(): Promise<{ ok: boolean; stores: Record<string, StoreHealthReport> }> {
    const entries = await Promise.all(this.stores.map(async (s) => [s.name, await withTimeout(s)] as const));
    return { ok: entries.every(([, h]) => h.ok), stores: Object.fromEntries(entries) };
  }

  async closeAll(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const store of [...this.stores].reverse()) {
      try {
        await store.close();
      } catch (e) {
        this.logger.error(`Closing ${store.name} failed: ${(e as Error).message}`);
      }
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.closeAll();
  }
}

async function withTimeout(store: RegisteredStore): Promise<StoreHealthReport> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      store.health(),
      new Promise<StoreHealthReport>((resolve) => {
        timer = setTimeout(
          () => resolve({ ok: false, kind: 'unknown', detail: `no answer within ${HEALTH_TIMEOUT_MS} ms` }),
          HEALTH_TIMEOUT_MS,
        );
      }),
    ]);
  } catch (e) {
    return { ok: false, kind: 'unknown', detail: (e as Error).message };
  } finally {
    clearTimeout(timer);
  }
}
