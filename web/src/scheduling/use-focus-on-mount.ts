import { useEffect, useRef } from 'react';

/** A step that replaces the previous one takes focus, so it is read rather than lost. */
export function useFocusOnMount<T extends HTMLElement>() {
  const ref = useRef<T>(null);
  useEffect(() => ref.current?.focus(), []);
  return ref;
}
