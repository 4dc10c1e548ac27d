import { useState, type FormEvent } from 'react';
import {
  Alert,
  Button,
  Fieldset,
  Group,
  NativeSelect,
  SimpleGrid,
  Stack,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  patientProfileFieldNames,
  patientProfileSchema,
  sexAtBirthValues,
  usStates,
  type PatientProfile,
} from '@openvisit/contracts';
import { ApiProblem, apiSend } from '../api/client';
import { describeError } from '../api/describe-error';
import { bodyFieldErrors, unplacedFieldErrors } from '../api/field-errors';
import { patientPath } from '../care/care-queries';
import { useDraft } from '../shell/drafts';
import { DateTime, viewerTimeZone } from '../shell/format-time';
import { SuccessNotice } from '../shell/live-region';
import { QueryStatus } from '../shell/query-status';
import { profileQuery } from './chart-queries';
import { sexAtBirthLabels } from './chart-labels';
import { VersionHistoryButton } from './version-history';
import { timeZoneOptions } from '../shell/time-zones';

type Form = Record<(typeof fields)[number], string>;
const fields = patientProfileFieldNames;

const formOf = (profile: PatientProfile | null): Form =>
  Object.fromEntries(fields.map((f) => [f, profile?.[f] ?? ''])) as Form;

const languages = [
  ['en', 'English'],
  ['es', 'Spanish (Español)'],
  ['zh', 'Chinese (中文)'],
  ['vi', 'Vietnamese (Tiếng Việt)'],
  ['tl', 'Tagalog'],
  ['ar', 'Arabic (العربية)'],
  ['fr', 'French (Français)'],
  ['ko', 'Korean (한국어)'],
  ['ru', 'Russian (Русский)'],
] as const;

/**
 * Who the patient is: the patient fills it in once; staff and providers keep it current.
 * Each save is a new version; a save based on an older version than the newest is refused
 * and the person is offered the newest one.
 */
export function ProfileForm({
  clinicId,
  patientId,
  own,
}: {
  clinicId: string;
  patientId: string;
  own: boolean;
}) {
  const queryClient = useQueryClient();
  const profile = useQuery(profileQuery(clinicId, patientId));
  const [draft, setDraft] = useDraft<Form | null>(`profile:${clinicId}:${patientId}`, null);
  const [notice, setNotice] = useState('');
  const current = profile.data?.profile ?? null;
  const form = draft ?? formOf(current);

  const save = useMutation({
    mutationFn: (body: object) =>
      apiSend('PUT', `${patientPath(clinicId, patientId)}/profile`, body, patientProfileSchema),
    onSuccess: (result) => {
      queryClient.setQueryData(profileQuery(clinicId, patientId).queryKey, result);
      setDraft(null);
      setNotice(own ? 'Your details are saved.' : 'Profile saved.');
    },
  });
  const conflict = save.error instanceof ApiProblem && save.error.is('version-conflict');
  const errors = bodyFieldErrors(save.error);
  const unplaced = unplacedFieldErrors(save.error, fields);

  if (!profile.data) return <QueryStatus query={profile} loadingLabel="Loading the profile…" />;

  const field = (name: keyof Form) => ({
    value: form[name],
    error: errors[name],
    onChange: (event: { currentTarget: { value: string } }) => {
      setNotice('');
      setDraft({ ...form, [name]: event.currentTarget.value });
    },
  });

  function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setNotice('');
    const body: Record<string, unknown> = { expectedVersion: current?.version ?? 0 };
    for (const f of fields) body[f] = form[f] === '' ? null : form[f].trim();
    body.legalName = form.legalName;
    save.mutate(body);
  }

  async function loadLatest() {
    setDraft(null);
    save.reset();
    await queryClient.invalidateQueries({ queryKey: profileQuery(clinicId, patientId).queryKey });
  }

  return (
    <form onSubmit={handleSubmit} noValidate aria-labelledby="profile-heading">
      <Stack gap="md" maw={760}>
        <Group justify="space-between" align="baseline">
          <Title order={2} id="profile-heading">
            {own ? 'Your details' : 'Profile'}
          </Title>
          {current && (
            <Group gap="xs">
              <Text size="sm" c="dimmed">
                Version {current.version}, saved <DateTime iso={current.recordedAt} /> by{' '}
                {current.recordedBy.displayName}
              </Text>
              <VersionHistoryButton
                clinicId={clinicId}
                patientId={patientId}
                path="/profile"
                subject="the profile"
              />
            </Group>
          )}
        </Group>
        {!current && (
          <Text>
            {own
              ? 'Tell your clinic who you are and how to reach you. Only your clinic sees this.'
              : 'The patient has not filled in their details yet.'}
          </Text>
        )}
        <Fieldset legend="Name and identity">
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <TextInput
              label="Legal name"
              description="As on your insurance card or ID"
              required
              autoComplete="name"
              {...field('legalName')}
            />
            <TextInput label="Preferred name" autoComplete="nickname" {...field('preferredName')} />
            <TextInput
              label="Date of birth"
              type="date"
              autoComplete="bday"
              {...field('birthDate')}
            />
            <NativeSelect
              label="Sex assigned at birth"
              data={[
                { value: '', label: 'Not given' },
                ...sexAtBirthValues.map((v) => ({ value: v, label: sexAtBirthLabels[v] ?? v })),
              ]}
              {...field('sexAtBirth')}
            />
            <TextInput label="Gender identity" {...field('genderIdentity')} />
            <TextInput label="Pronouns" placeholder="she/her, they/them…" {...field('pronouns')} />
          </SimpleGrid>
        </Fieldset>
        <Fieldset legend="Contact and location">
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <TextInput label="Phone" type="tel" autoComplete="tel" {...field('phone')} />
            <NativeSelect
              label="Preferred language"
              data={[
                { value: '', label: 'Not given' },
                ...languages.map(([value, label]) => ({ value, label })),
              ]}
              {...field('preferredLanguage')}
            />
            <TextInput
              label="Street address"
              autoComplete="address-line1"
              {...field('addressLine1')}
            />
            <TextInput
              label="Apartment, suite (optional)"
              autoComplete="address-line2"
              {...field('addressLine2')}
            />
            <TextInput label="City" autoComplete="address-level2" {...field('city')} />
            <NativeSelect
              label="State"
              description="Where you usually are during visits: providers must be licensed there"
              data={[
                { value: '', label: 'Choose a state' },
                ...usStates.map((s) => ({ value: s, label: s })),
              ]}
              {...field('state')}
            />
            <TextInput
              label="ZIP code"
              autoComplete="postal-code"
              inputMode="numeric"
              {...field('postalCode')}
            />
            <NativeSelect
              label="Time zone"
              description={`Visit times are shown in it. This device is set to ${viewerTimeZone}.`}
              data={[{ value: '', label: 'Not given' }, ...timeZoneOptions(form.timeZone)]}
              {...field('timeZone')}
            />
          </SimpleGrid>
        </Fieldset>
        <Fieldset legend="Emergency contact and other care">
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <TextInput label="Emergency contact name" {...field('emergencyContactName')} />
            <TextInput label="Relationship to you" {...field('emergencyContactRelationship')} />
            <TextInput
              label="Emergency contact phone"
              type="tel"
              {...field('emergencyContactPhone')}
            />
            <TextInput
              label="Primary care provider (outside this clinic)"
              {...field('primaryCareProvider')}
            />
          </SimpleGrid>
        </Fieldset>
        {conflict ? (
          <Alert color="orange" title="Someone else changed this first">
            <Stack gap="xs">
              <Text>{save.error instanceof ApiProblem ? save.error.detail : ''}</Text>
              <Group>
                <Button variant="outline" onClick={() => void loadLatest()}>
                  Load the latest version (your changes are discarded)
                </Button>
              </Group>
            </Stack>
          </Alert>
        ) : (
          save.isError &&
          Object.keys(errors).length === 0 && (
            <Alert color="red" title={describeError(save.error).title}>
              {describeError(save.error).message}
              {unplaced.map((m) => (
                <Text key={m}>{m}</Text>
              ))}
            </Alert>
          )
        )}
        <SuccessNotice message={notice} />
        <Group>
          <Button type="submit" loading={save.isPending}>
            Save details
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
