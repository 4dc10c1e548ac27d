import { useEffect, useState, useSyncExternalStore } from 'react';
import { Alert, Button, Group, Modal, Stack, Text, VisuallyHidden } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useLocation, useNavigate } from 'react-router';
import { describeError } from '../api/describe-error';
import { createIdleMonitor } from './idle-monitor';
import { signInPathReturningTo, useSession, useSignOut } from './session';

/**
 * HIPAA automatic logoff, as the person sees it: a warning before the session idles out, and
 * afterwards the sign-in page says why and leads back to where they were. Mounted once, in
 * the layout, where the reason can show above the sign-in page.
 */
export function IdleWatcher() {
  const queryClient = useQueryClient();
  const sessionState = useSession();
  const navigate = useNavigate();
  const { pathname } = useLocation();
  const signOut = useSignOut();
  const [monitor] = useState(() => createIdleMonitor(queryClient));
  const { warning, signedOut } = useSyncExternalStore(monitor.subscribe, monitor.snapshot);

  const session =
    sessionState.status === 'signed-in' || sessionState.status === 'second-step'
      ? sessionState.session
      : sessionState.status === 'signed-out'
        ? null
        : undefined;

  useEffect(() => monitor.start(), [monitor]);
  useEffect(() => monitor.follow(session), [monitor, session]);
  useEffect(() => {
    // Guarded pages send the person to sign in by themselves; the others are left here.
    if (!signedOut || window.location.pathname === '/sign-in') return;
    void navigate(signInPathReturningTo(window.location), { replace: true });
  }, [signedOut, navigate]);

  return (
    <>
      {signedOut && pathname === '/sign-in' && (
        <Alert color="blue" title="Signed out for your privacy" mb="lg" maw={420}>
          {signedOut} Sign in again to go back to where you were.
        </Alert>
      )}
      <Modal
        opened={warning !== undefined}
        // Escape means the person is here: the same as staying.
        onClose={monitor.stay}
        title="Are you still there?"
        withCloseButton={false}
        closeOnClickOutside={false}
        centered
      >
        {warning && (
          <Stack gap="md">
            <Text>
              For your privacy you will be signed out in{' '}
              <Text span fw={700} role="timer">
                {formatCountdown(warning.secondsLeft)}
              </Text>{' '}
              because there has been no activity for a while.
            </Text>
            {/* The ticking timer is not read out each second; these two moments are. */}
            <VisuallyHidden aria-live="polite">
              {warning.secondsLeft <= 10
                ? 'Less than 10 seconds left.'
                : warning.secondsLeft <= 30
                  ? 'Less than 30 seconds left.'
                  : ''}
            </VisuallyHidden>
            {warning.stayFailed && (
              <Alert color="red" title="The server did not answer">
                You are still signed in for now. Try again in a moment.
              </Alert>
            )}
            {signOut.isError && (
              <Alert color="red" title="You are still signed in">
                Signing out did not reach the server: {describeError(signOut.error).message}
              </Alert>
            )}
            <Group justify="flex-end">
              <Button
                variant="default"
                onClick={() => signOut.mutate()}
                loading={signOut.isPending}
              >
                Sign out
              </Button>
              <Button data-autofocus onClick={monitor.stay} loading={warning.staying}>
                Stay signed in
              </Button>
            </Group>
          </Stack>
        )}
      </Modal>
    </>
  );
}

function formatCountdown(seconds: number): string {
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
}
