import type { QueryClient } from '@tanstack/react-query';
import type { CurrentSession } from '@openvisit/contracts';
import { apiSend, onApiAnswer, type ApiAnswer } from '../api/client';
import { dropDrafts, keepDraftsFor } from '../shell/drafts';
import { replaceSignedInPerson, sessionQuery, sessionQueryKey } from './session';

/** What the idle watcher shows; replaced as a whole on every change (useSyncExternalStore). */
export interface IdleSnapshot {
  /** Present while "are you still there?" should be on screen. */
  warning?: { secondsLeft: number; staying: boolean; stayFailed: boolean };
  /** Why the session ended by itself, told on the sign-in page until someone signs in. */
  signedOut?: string;
}

// Answers that are the session itself (or end it): asking for the session again would add nothing.
const sessionPaths = new Set(['/api/auth/session', '/api/auth/login', '/api/auth/logout']);
// One session refresh covers a page's burst of requests.
const refreshDelayMs = 500;
// The server writes activity at most this often (as session-service.ts does); a request
// sooner after the last write cannot have moved the limit, so nothing needs asking.
const activityWriteIntervalMs = (idleLimitMs: number) => Math.min(60_000, idleLimitMs / 4);
// This page's view of the server's clock may lag by about a second: ask a little early.
const clockSlackMs = 2_000;
// A 401 this close to the end is the idle limit, not a sign-out from elsewhere: the server's
// clock is only known to within about a second.
const endToleranceMs = 2_000;

const tabChannel = 'openvisit-idle';
/** What one tab tells the others: ids and times only. */
interface TabMessage {
  sessionId: string;
  idleEndsAt: number;
}

/** The warning comes a minute ahead, or at half time when the whole limit is under 2 minutes. */
export function warningLeadMs(idleLimitMs: number): number {
  return idleLimitMs >= 120_000 ? 60_000 : idleLimitMs / 2;
}

export function describeIdleLimit(idleLimitMs: number): string {
  const seconds = Math.round(idleLimitMs / 1000);
  if (seconds < 60) return `${seconds} ${seconds === 1 ? 'second' : 'seconds'}`;
  const minutes = Math.round(seconds / 60);
  return `${minutes} ${minutes === 1 ? 'minute' : 'minutes'}`;
}

/**
 * The server's clock as this page can tell from the `Date` header of each answer, so a
 * computer whose clock is off neither warns too late nor asks the server too early (asking
 * while the session is alive would renew it). Each answer gives a lower bound (the header is
 * rounded down and was written before the answer arrived), and the largest is kept; measured
 * on the monotonic clock, so setting the computer's time does not move it.
 */
export function createServerClock() {
  let offsetMs: number | undefined;
  return {
    observe(serverDate: string | null) {
      const serverTime = serverDate ? Date.parse(serverDate) : Number.NaN;
      if (Number.isNaN(serverTime)) return;
      const lowerBound = serverTime - performance.now();
      offsetMs = offsetMs === undefined ? lowerBound : Math.max(offsetMs, lowerBound);
    },
    now(): number {
      return offsetMs === undefined ? Date.now() : performance.now() + offsetMs;
    },
  };
}

/**
 * Follows when the signed-in session will idle out and warns ahead of it. It never asks the
 * server on its own schedule (asking counts as activity and would keep an idle session alive
 * forever): only timers here, plus a session refresh after a request the page made anyway,
 * and one check once the limit has passed.
 */
export function createIdleMonitor(queryClient: QueryClient) {
  const clock = createServerClock();
  const listeners = new Set<() => void>();
  let snapshot: IdleSnapshot = {};
  let current:
    { userId: string; sessionId: string; idleEndsAt: number; endsAt: number } | undefined;
  // The session's idle limit: the longest time left ever seen (a fresh sign-in shows it whole).
  let idleLimitMs = 0;
  let staying = false;
  let stayFailed = false;
  let checkingEnd = false;
  let wakeTimer: ReturnType<typeof setTimeout> | undefined;
  let refreshTimer: ReturnType<typeof setTimeout> | undefined;
  // Tabs share the session cookie: activity in one moves the limit for all. Memory only.
  let tabs: BroadcastChannel | undefined;

  function publish(next: IdleSnapshot) {
    snapshot = next;
    for (const listener of listeners) listener();
  }

  function setWarning(warning: IdleSnapshot['warning']) {
    const same =
      warning?.secondsLeft === snapshot.warning?.secondsLeft &&
      warning?.staying === snapshot.warning?.staying &&
      warning?.stayFailed === snapshot.warning?.stayFailed;
    if (!same) publish({ ...snapshot, warning });
  }

  /** Decides what shows now and sleeps until the next thing to change. */
  function evaluate() {
    clearTimeout(wakeTimer);
    wakeTimer = undefined;
    if (!current) {
      setWarning(undefined);
      return;
    }
    const now = clock.now();
    const end = Math.min(current.idleEndsAt, current.endsAt);
    if (now >= end) {
      void checkEnded();
      return;
    }
    let wakeAt = end;
    const warnAt = current.idleEndsAt - warningLeadMs(idleLimitMs);
    // No warning before the 12-hour end: staying signed in cannot move that one.
    if (current.idleEndsAt <= current.endsAt && now >= warnAt) {
      const leftMs = end - now;
      setWarning({ secondsLeft: Math.ceil(leftMs / 1000), staying, stayFailed });
      wakeAt = now + (leftMs % 1000 || 1000);
    } else {
      setWarning(undefined);
      if (warnAt > now) wakeAt = Math.min(wakeAt, warnAt);
    }
    wakeTimer = setTimeout(evaluate, wakeAt - now);
  }

  /** The limit has passed here: the server has the last word (another tab may have been busy). */
  async function checkEnded() {
    if (checkingEnd) return;
    checkingEnd = true;
    try {
      const session = await queryClient.fetchQuery({ ...sessionQuery, staleTime: 0 });
      // Still in force by the server's word yet over by this page's clock: asking again would
      // renew it each time, so it is ended instead.
      const stillOver =
        session &&
        Math.min(
          Date.parse(session.session.idleExpiresAt),
          Date.parse(session.session.expiresAt),
        ) <= clock.now();
      if (stillOver) {
        await apiSend('POST', '/api/auth/logout').catch(() => undefined);
        replaceSignedInPerson(queryClient, null);
      }
      follow(stillOver ? null : session);
    } catch {
      // Unreachable: the session has idled out all the same, so the screen is cleared.
      replaceSignedInPerson(queryClient, null);
      follow(null);
    } finally {
      checkingEnd = false;
    }
  }

  /** The session as the app knows it now: `undefined` while that is not known. */
  function follow(session: CurrentSession | null | undefined) {
    if (session === undefined) return;
    if (session === null) {
      if (!current) return;
      const endedByItself =
        clock.now() >= Math.min(current.idleEndsAt, current.endsAt) - endToleranceMs;
      const lifetimeOver = current.endsAt <= current.idleEndsAt;
      current = undefined;
      if (endedByItself) {
        // What the pages had loaded goes; drafts stay for the same person signing back in.
        replaceSignedInPerson(queryClient, null);
        publish({
          signedOut: lifetimeOver
            ? 'Your session reached its time limit, so you were signed out.'
            : `You were signed out after ${describeIdleLimit(idleLimitMs)} without activity.`,
        });
      } else {
        // Signed out on purpose, or from another device: nothing typed here is kept.
        dropDrafts();
        publish({});
      }
      evaluate();
      return;
    }
    keepDraftsFor(session.user.id);
    // A session's limit only ever moves later; another tab may have heard of a later one.
    const known = current?.sessionId === session.session.id ? current.idleEndsAt : 0;
    const idleEndsAt = Math.max(Date.parse(session.session.idleExpiresAt), known);
    idleLimitMs = session.session.idleTimeoutSeconds * 1000;
    current = {
      userId: session.user.id,
      sessionId: session.session.id,
      idleEndsAt,
      endsAt: Date.parse(session.session.expiresAt),
    };
    tabs?.postMessage({ sessionId: current.sessionId, idleEndsAt } satisfies TabMessage);
    if (snapshot.signedOut) publish({ ...snapshot, signedOut: undefined });
    evaluate();
  }

  /** "Stay signed in": asking for the session counts as activity and returns the new limit. */
  function stay() {
    if (staying) return;
    staying = true;
    stayFailed = false;
    evaluate();
    queryClient
      .fetchQuery({ ...sessionQuery, staleTime: 0 })
      .then((session) => {
        staying = false;
        follow(session);
      })
      .catch(() => {
        staying = false;
        stayFailed = true;
        evaluate();
      });
  }

  function onAnswer({ path, status, serverDate }: ApiAnswer) {
    clock.observe(serverDate);
    if (!current || status === 401 || !path.startsWith('/api/') || sessionPaths.has(path)) return;
    const sinceLastWrite = clock.now() - (current.idleEndsAt - idleLimitMs);
    if (sinceLastWrite + clockSlackMs < activityWriteIntervalMs(idleLimitMs)) return;
    // The server counted this request as activity and has likely moved the idle limit.
    refreshTimer ??= setTimeout(() => {
      refreshTimer = undefined;
      void queryClient.invalidateQueries({ queryKey: sessionQueryKey, exact: true });
    }, refreshDelayMs);
  }

  function onTabMessage({ data }: MessageEvent<TabMessage>) {
    if (!current || data.sessionId !== current.sessionId || data.idleEndsAt <= current.idleEndsAt) {
      return;
    }
    current = { ...current, idleEndsAt: data.idleEndsAt };
    evaluate();
  }

  // Background tabs run timers late; coming back, the state is worked out afresh.
  function onVisibilityChange() {
    if (document.visibilityState === 'visible') evaluate();
  }

  return {
    snapshot: () => snapshot,
    subscribe: (listener: () => void) => {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
    follow,
    stay,
    start: () => {
      const stopAnswers = onApiAnswer(onAnswer);
      document.addEventListener('visibilitychange', onVisibilityChange);
      tabs = typeof BroadcastChannel === 'undefined' ? undefined : new BroadcastChannel(tabChannel);
      tabs?.addEventListener('message', onTabMessage);
      evaluate();
      return () => {
        stopAnswers();
        document.removeEventListener('visibilitychange', onVisibilityChange);
        tabs?.close();
        tabs = undefined;
        clearTimeout(wakeTimer);
        clearTimeout(refreshTimer);
        wakeTimer = undefined;
        refreshTimer = undefined;
      };
    },
  };
}

export type IdleMonitor = ReturnType<typeof createIdleMonitor>;
