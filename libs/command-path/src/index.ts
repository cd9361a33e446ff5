/**
 * THE ONE COMMAND PATH. Every event that src/, apps/ and libs/ append goes
 * through this lib; nothing else calls EventStore.appendToStream (the store
 * adapters aside) or builds event metadata. An ESLint rule in
 * eslint.config.mjs refuses both elsewhere (proved by test/boundaries).
 *
 * - decideOnStream: read the stream → fold (decider.evolve) → decide →
 *   append at the revision read, retried on a conflict only as often as the
 *   command allows. Every command: HTTP handlers, uploads and withdrawals,
 *   the dataset processor's decision, the payout processor's runs and
 *   adjustments.
 * - appendDecided: the append itself (decideOnStream ends in it): events
 *   with the metadata of their cause at an expected revision. Called
 *   directly only by writers that decide nothing from a stream they read:
 *   operational records appended at 'any' (dataset progress and analysis
 *   attempts), API-key and webhook registrations, signed log checkpoints.
 * - eventMetadata: actor, correlationId, causationId and schemaVersion
 *   (LEDGER_SCHEMA_VERSION), built in this one place.
 * - readStreamSnapshot: a stream read whole, a missing one as empty.
 */
export * from './decide-on-stream';
export * from './append-decided';
export * from './event-metadata';
export * from './stream-snapshot';
