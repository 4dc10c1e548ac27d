import { createSessionService } from '../modules/identity/session-service.js';
import type { TestApp } from './test-app.js';
import { systemClock, type Clock } from '../platform/clock.js';

/**
 * A fully signed-in session for a person (second factor included), made by the real
 * session service, for tests about what people may do rather than how they sign in (the
 * identity tests drive the sign-in routes themselves).
 */
export async function signedInCookie(t: TestApp, userId: string, clock: Clock = systemClock) {
  const sessions = createSessionService(t.testDatabase.database.db, clock);
  const { token, sessionId } = await sessions.start(userId, { ip: '127.0.0.1' }, 'mfa');
  return { cookie: `ov_session=${token}`, sessionId };
}
