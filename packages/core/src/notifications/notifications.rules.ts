// Which events notify whom. Recipients never include the actor, and never anyone outside the event's workspace.

export type Recipient = { kind: 'user' | 'agent'; id: string };

export const recipientKey = (r: Recipient) => `${r.kind}:${r.id}`;

/** Notifications a recipient can ask to wait for (`GET /notifications?wait=N`), at most this long. */
export const NOTIFICATION_WAIT_MAX_SECONDS = 60;
