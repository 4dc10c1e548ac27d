import { useEffect, useRef, useState, type FormEvent } from 'react';
import { Alert, Button, Card, Group, Stack, Text, TextInput, Title } from '@mantine/core';
import { queryOptions, useMutation, useQuery } from '@tanstack/react-query';
import { useSearchParams } from 'react-router';
import {
  acceptedSchema,
  clinicSlugSchema,
  publicClinicSchema,
  type RegisterRequest,
} from '@openvisit/contracts';
import { ApiProblem, apiGet, apiSend } from '../api/client';
import { bodyFieldErrors, type FieldMessages } from '../api/field-errors';
import { PageTitle } from '../shell/page-title';
import { TextLink } from '../shell/text-link';
import {
  checkPasswordLength,
  FormProblemAlert,
  PasswordField,
  passwordRules,
} from './form-feedback';

const defaultClinicSlug = 'demo-clinic';
const fields = ['displayName', 'email', 'password'] as const;

const clinicQuery = (slug: string) =>
  queryOptions({
    queryKey: ['clinics', slug],
    queryFn: ({ signal }) =>
      apiGet(`/api/clinics/${encodeURIComponent(slug)}`, publicClinicSchema, { signal }),
    staleTime: 5 * 60_000,
    retry: (failureCount, error) => !(error instanceof ApiProblem) && failureCount < 2,
  });

export function RegisterPage() {
  const [searchParams] = useSearchParams();
  // A clinic's sign-up link names it (`/register?clinic=valley-health`); the demo otherwise.
  const clinicSlug = searchParams.get('clinic') || defaultClinicSlug;
  const slugValid = clinicSlugSchema.safeParse(clinicSlug).success;
  const clinic = useQuery({ ...clinicQuery(clinicSlug), enabled: slugValid });
  const clinicMissing =
    !slugValid || (clinic.error instanceof ApiProblem && clinic.error.is('not-found'));

  return (
    <Stack gap="lg" maw={480}>
      <PageTitle title="Create an account" />
      <Stack gap="xs">
        <Title order={1}>Create an account</Title>
        <Text>
          {clinic.data
            ? `A patient account with ${clinic.data.name} lets you book video visits, message your care team and see your records.`
            : 'A patient account lets you book video visits, message your care team and see your records.'}
        </Text>
      </Stack>
      {clinicMissing ? (
        <Alert color="red" title="This sign-up link names no clinic">
          No clinic uses the address “{clinicSlug}”. Check the link your clinic gave you, or ask the
          clinic for a new one.
        </Alert>
      ) : (
        <RegisterForm clinicSlug={clinicSlug} />
      )}
    </Stack>
  );
}

function RegisterForm({ clinicSlug }: { clinicSlug: string }) {
  const [displayName, setDisplayName] = useState('');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [localErrors, setLocalErrors] = useState<FieldMessages>({});
  const confirmationHeading = useRef<HTMLHeadingElement>(null);
  const passwordInput = useRef<HTMLInputElement>(null);

  const register = useMutation({
    mutationFn: (body: RegisterRequest) =>
      apiSend('POST', '/api/auth/register', body, acceptedSchema),
    onSuccess: () => setPassword(''),
  });

  // The form is replaced by the confirmation: move focus there so it is not lost, and read.
  useEffect(() => {
    if (register.isSuccess) confirmationHeading.current?.focus();
  }, [register.isSuccess]);

  if (register.isSuccess) {
    return (
      <Card withBorder padding="lg" component="section" aria-labelledby="register-confirmation">
        <Stack gap="sm">
          <Title
            order={2}
            size="h3"
            id="register-confirmation"
            ref={confirmationHeading}
            tabIndex={-1}
          >
            Check your email to confirm your address
          </Title>
          {/* Worded to fit both cases: a new account gets a link, a known email a notice. */}
          <Text>
            We sent an email to <strong>{email}</strong>. If the address is new to us, it holds a
            link to confirm it and finish creating your account: the link works once, within 24
            hours. If you already have an account, the email says how to sign in.
          </Text>
          <Text>
            Nothing after a few minutes? Look in your spam or junk folder, and check the address
            above.
          </Text>
          <Group>
            <Button variant="default" onClick={() => register.reset()}>
              Use a different email
            </Button>
          </Group>
        </Stack>
      </Card>
    );
  }

  function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const passwordProblem = checkPasswordLength(password);
    setLocalErrors(passwordProblem ? { password: passwordProblem } : {});
    if (passwordProblem) {
      // Focus reads the field's message out; nothing else would announce it.
      passwordInput.current?.focus();
      return;
    }
    register.mutate({ displayName: displayName.trim(), email: email.trim(), password, clinicSlug });
  }

  const fieldErrors = { ...bodyFieldErrors(register.error), ...localErrors };

  return (
    <Stack gap="lg">
      {register.isError && (
        <FormProblemAlert
          error={register.error}
          attempt={register.submittedAt}
          fields={fields}
          explain={(problem) =>
            problem.is('not-found')
              ? {
                  title: 'This sign-up link names no clinic',
                  message: 'Check the link your clinic gave you, or ask the clinic for a new one.',
                }
              : undefined
          }
        />
      )}
      <form onSubmit={handleSubmit}>
        <Stack gap="md">
          <TextInput
            label="Your name"
            description="How your care team will address you."
            name="displayName"
            autoComplete="name"
            required
            maxLength={120}
            value={displayName}
            onChange={(event) => setDisplayName(event.currentTarget.value)}
            error={fieldErrors.displayName}
          />
          <TextInput
            label="Email"
            description="You will sign in with it. We send a link to confirm it."
            type="email"
            name="email"
            autoComplete="email"
            required
            value={email}
            onChange={(event) => setEmail(event.currentTarget.value)}
            error={fieldErrors.email}
          />
          <PasswordField
            label="Password"
            description={passwordRules}
            name="password"
            autoComplete="new-password"
            required
            ref={passwordInput}
            value={password}
            onChange={(event) => setPassword(event.currentTarget.value)}
            error={fieldErrors.password}
          />
          <Group>
            <Button type="submit" loading={register.isPending}>
              Create account
            </Button>
          </Group>
        </Stack>
      </form>
      <Text>
        Already have an account? <TextLink to="/sign-in">Sign in</TextLink>
      </Text>
    </Stack>
  );
}
