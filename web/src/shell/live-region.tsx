import type { ReactNode } from 'react';
import { Alert } from '@mantine/core';
import classes from './live-region.module.css';

/**
 * A polite live region for the outcome of an async action ("Session ended", "Check your
 * email"): rendered from the first paint, so what appears in it later is announced. Messages
 * inside should not carry a live role of their own, or they are read twice.
 */
export function LiveRegion({ children }: { children: ReactNode }) {
  return (
    <div aria-live="polite" className={classes.liveRegion}>
      {children}
    </div>
  );
}

/** A success message in a live region (announced once; empty renders nothing visible). */
export function SuccessNotice({ message }: { message: string }) {
  return (
    <LiveRegion>
      {/* role="none": the live region around it announces it, once. */}
      {message && (
        <Alert color="teal" role="none">
          {message}
        </Alert>
      )}
    </LiveRegion>
  );
}
