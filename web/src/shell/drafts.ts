import { useCallback, useState } from 'react';
import { useSession } from '../auth/session';

/*
 * Unsaved form input of the person signed in, so an idle sign-out does not lose it. Kept in
 * this page's memory only, never in localStorage or sessionStorage: form input may be health
 * information, and the computer may be shared. A reload forgets it, and so does a different
 * person signing in. Never use it for passwords or codes.
 */
const drafts = new Map<string, unknown>();
let owner: string | undefined;

/** The drafts belong to this person from now on; anyone else's are dropped first. */
export function keepDraftsFor(userId: string) {
  if (owner === userId) return;
  drafts.clear();
  owner = userId;
}

/** Forgets every draft: the person chose to sign out, or their session was ended for them. */
export function dropDrafts() {
  drafts.clear();
  owner = undefined;
}

/**
 * `useState` for a form field whose value is also kept as a draft under `key`: the same person
 * signing back in (in this page load) finds what they had typed.
 */
export function useDraft<T>(key: string, initial: T): [T, (value: T) => void] {
  const sessionState = useSession();
  const userId = sessionState.status === 'signed-in' ? sessionState.session.user.id : undefined;
  const [value, setValue] = useState<T>(() =>
    userId !== undefined && owner === userId && drafts.has(key) ? (drafts.get(key) as T) : initial,
  );
  const update = useCallback(
    (next: T) => {
      setValue(next);
      if (userId === undefined) return;
      keepDraftsFor(userId);
      drafts.set(key, next);
    },
    [key, userId],
  );
  return [value, update];
}
