import { useEffect, useRef, useState, type FormEvent } from 'react';
import {
  Alert,
  Button,
  Checkbox,
  Code,
  CopyButton,
  Group,
  Image,
  List,
  Loader,
  Stack,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Navigate, useLocation, useNavigate, useSearchParams } from 'react-router';
import { toDataURL } from 'qrcode';
import { recoveryCodesSchema, totpSetupSchema, type CurrentSession } from '@openvisit/contracts';
import { ApiProblem, apiSend } from '../api/client';
import { describeError } from '../api/describe-error';
import {
  homePathFor,
  replaceSignedInPerson,
  safeNextPath,
  secondStepPathFor,
  signInPathReturningTo,
  useSession,
} from '../auth/session';
import { LiveRegion } from '../shell/live-region';
import { PageTitle } from '../shell/page-title';

/** Groups a base32 secret in fours, the way authenticator apps show it, for typing by hand. */
function groupInFours(secret: string): string {
  return (secret.match(/.{1,4}/g) ?? []).join(' ');
}

export function TwoStepSetupPage() {
  const [searchParams] = useSearchParams();
  const required = searchParams.get('required') === '1';
  const next = safeNextPath(searchParams.get('next'));
  const location = useLocation();
  const sessionState = useSession();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const [code, setCode] = useState('');
  const [codeError, setCodeError] = useState<string>();
  const [qrDataUrl, setQrDataUrl] = useState<string>();
  const [saved, setSaved] = useState(false);
  const [finished, setFinished] = useState<{ codes: string[]; session: CurrentSession }>();

  const canSetUp =
    sessionState.status === 'signed-in' ||
    (sessionState.status === 'second-step' &&
      sessionState.session.session.stage === 'mfa-enrollment');

  const setup = useMutation({
    mutationFn: () => apiSend('POST', '/api/auth/mfa/totp/setup', undefined, totpSetupSchema),
    onSuccess: (answer) => {
      toDataURL(answer.otpauthUri, { margin: 2, width: 224 })
        .then(setQrDataUrl)
        .catch(() => setQrDataUrl(undefined));
    },
  });

  const confirm = useMutation({
    mutationFn: (body: { code: string }) =>
      apiSend('POST', '/api/auth/mfa/totp/confirm', body, recoveryCodesSchema),
    onSuccess: (answer) => {
      setFinished({ codes: answer.recoveryCodes, session: answer.session });
      replaceSignedInPerson(queryClient, answer.session);
    },
    onError: () => setCode(''),
  });

  // Once per visit: StrictMode runs effects twice, and each setup call makes a new secret.
  const setupStarted = useRef(false);
  const startSetup = setup.mutate;
  useEffect(() => {
    if (!canSetUp || setupStarted.current) return;
    setupStarted.current = true;
    startSetup();
  }, [canSetUp, startSetup]);

  if (!finished) {
    if (sessionState.status === 'signed-out') {
      return <Navigate to={signInPathReturningTo(location)} replace />;
    }
    if (
      sessionState.status === 'second-step' &&
      sessionState.session.session.stage === 'mfa-challenge'
    ) {
      return <Navigate to={secondStepPathFor(sessionState.session, next)} replace />;
    }
  }

  function handleConfirm(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const digits = code.replace(/\s/g, '');
    if (!/^\d{6}$/.test(digits)) {
      setCodeError('Enter the 6-digit code your authenticator app shows.');
      return;
    }
    setCodeError(undefined);
    confirm.mutate({ code: digits });
  }

  function downloadCodes(codes: string[]) {
    const text =
      'OpenVisit recovery codes\n' +
      'Each code works once, if you cannot use your authenticator app.\n\n' +
      codes.join('\n') +
      '\n';
    const url = URL.createObjectURL(new Blob([text], { type: 'text/plain' }));
    const link = document.createElement('a');
    link.href = url;
    link.download = 'openvisit-recovery-codes.txt';
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 1_000);
  }

  const alreadySetUp = setup.error instanceof ApiProblem && setup.error.status === 409;

  return (
    <Stack gap="lg" maw={560}>
      <PageTitle title="Two-step sign-in" />
      <Stack gap="xs">
        <Title order={1}>Two-step sign-in</Title>
        {required && !finished && (
          <Alert color="blue" title="Your clinic requires this" role="status">
            The clinic requires two-step sign-in for your role. Set up an authenticator app now to
            continue; you cannot use OpenVisit until it is done.
          </Alert>
        )}
        <Text>
          After your password, you will also enter a code from an authenticator app on your phone
          (for example Google Authenticator, Microsoft Authenticator or 1Password).
        </Text>
      </Stack>

      <LiveRegion>
        {finished && <Text fw={600}>Two-step sign-in is set up.</Text>}
        {setup.isPending && <Text>Preparing your authenticator setup…</Text>}
      </LiveRegion>

      {sessionState.status === 'pending' && (
        <Group gap="sm" role="status">
          <Loader size="sm" aria-hidden />
          <Text>Checking that you are signed in…</Text>
        </Group>
      )}

      {alreadySetUp && !finished && (
        <Alert color="blue" title="Already set up" role="alert">
          Two-step sign-in is already set up for your account. To use a new phone, contact the
          clinic.
        </Alert>
      )}
      {setup.isError && !alreadySetUp && (
        <Alert color="red" title={describeError(setup.error).title} role="alert">
          {describeError(setup.error).message}
        </Alert>
      )}

      {setup.data && !finished && (
        <Stack gap="md">
          <Title order={2} size="h3">
            1. Add OpenVisit to your authenticator app
          </Title>
          <Text>Scan this QR code with the app.</Text>
          {qrDataUrl ? (
            <Image
              src={qrDataUrl}
              alt="QR code for your authenticator app"
              w={224}
              h={224}
              fit="contain"
            />
          ) : (
            <Loader size="sm" aria-label="Drawing the QR code" />
          )}
          <Text>Cannot scan it? Enter this key in the app instead:</Text>
          <Group gap="sm">
            <Code fz="lg" data-testid="totp-secret">
              {groupInFours(setup.data.secret)}
            </Code>
            <CopyButton value={setup.data.secret}>
              {({ copied, copy }) => (
                <Button variant="default" size="xs" onClick={copy}>
                  {copied ? 'Key copied' : 'Copy key'}
                </Button>
              )}
            </CopyButton>
          </Group>

          <Title order={2} size="h3">
            2. Enter the code the app shows
          </Title>
          {(codeError ?? confirm.isError) && (
            <Alert key={confirm.submittedAt} color="red" title="Check the code" role="alert">
              {codeError ?? explainConfirmProblem(confirm.error)}
            </Alert>
          )}
          <form onSubmit={handleConfirm} noValidate>
            <Stack gap="md">
              <TextInput
                label="6-digit code"
                name="code"
                inputMode="numeric"
                autoComplete="one-time-code"
                pattern="[0-9]*"
                maxLength={6}
                required
                value={code}
                onChange={(event) => setCode(event.currentTarget.value)}
              />
              <Group>
                <Button type="submit" loading={confirm.isPending}>
                  Turn on two-step sign-in
                </Button>
              </Group>
            </Stack>
          </form>
        </Stack>
      )}

      {finished && (
        <Stack gap="md">
          <Title order={2} size="h3">
            Save your recovery codes
          </Title>
          <Text>
            If you lose your phone, each of these codes lets you sign in once instead of an app
            code. They are shown only now: download or write them down, and keep them somewhere
            safe.
          </Text>
          <List aria-label="Recovery codes" ff="monospace" data-testid="recovery-codes">
            {finished.codes.map((recovery) => (
              <List.Item key={recovery}>{recovery}</List.Item>
            ))}
          </List>
          <Group>
            <Button variant="default" onClick={() => downloadCodes(finished.codes)}>
              Download as text file
            </Button>
          </Group>
          <Checkbox
            label="I have saved my recovery codes"
            checked={saved}
            onChange={(event) => setSaved(event.currentTarget.checked)}
          />
          <Group>
            <Button
              disabled={!saved}
              onClick={() =>
                void navigate(next ?? homePathFor(finished.session), { replace: true })
              }
            >
              Continue
            </Button>
          </Group>
        </Stack>
      )}
    </Stack>
  );
}

function explainConfirmProblem(error: unknown): string {
  if (error instanceof ApiProblem) {
    if (error.is('invalid-code') || error.is('validation')) {
      return 'The code is not correct or has expired. Enter the code your app shows now.';
    }
    if (error.is('rate-limited')) return error.detail ?? 'Too many attempts. Wait a minute.';
  }
  return describeError(error).message;
}
