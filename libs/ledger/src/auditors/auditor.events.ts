/** Stream `auditor-<auditorId>`. */
export interface AuditorRegistered {
  type: 'AuditorRegistered';
  data: { auditorId: string; displayName: string; registeredAt: string };
}
export type AuditorEvent = AuditorRegistered;

export interface RegisterAuditor {
  type: 'RegisterAuditor';
  data: { auditorId: string; displayName: string };
}
export type AuditorCommand = RegisterAuditor;
