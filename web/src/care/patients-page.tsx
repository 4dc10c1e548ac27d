import { useState, type FormEvent } from 'react';
import { Alert, Badge, Button, Group, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery } from '@tanstack/react-query';
import type { PatientList } from '@openvisit/contracts';
import { describeError } from '../api/describe-error';
import { useWorkforceClinic } from '../auth/clinic-of';
import { PageTitle } from '../shell/page-title';
import { QueryStatus } from '../shell/query-status';
import { TextLink } from '../shell/text-link';
import { findPatientByEmail, patientsQuery } from './care-queries';

export function PatientsPage() {
  const work = useWorkforceClinic();
  return (
    <Stack gap="lg" maw={1000}>
      <PageTitle title="Patients" />
      <Title order={1}>Patients</Title>
      {work ? (
        <PatientDirectory
          clinicId={work.clinicId}
          seesEveryone={work.roles.has('staff') || work.roles.has('admin')}
          isProvider={work.roles.has('provider')}
        />
      ) : (
        <Text>Only a clinic&apos;s providers, staff and admins see its patients.</Text>
      )}
    </Stack>
  );
}

function PatientDirectory(props: { clinicId: string; seesEveryone: boolean; isProvider: boolean }) {
  const patients = useQuery(patientsQuery(props.clinicId));
  return (
    <>
      <Text>
        {props.seesEveryone
          ? "Every patient of your clinic. Staff and admins see who a patient is and who cares for them; health information is only for the patient's providers."
          : 'The patients you care for. A patient joins your list when staff put you on their care team.'}
      </Text>
      <QueryStatus query={patients} loadingLabel="Loading patients…" />
      {patients.data && (
        <PatientTable patients={patients.data.patients} clinicId={props.clinicId} />
      )}
      {props.isProvider && !props.seesEveryone && <FindPatient clinicId={props.clinicId} />}
    </>
  );
}

const relationshipLabels = { 'care-team': 'Care team', 'break-glass': 'Emergency access' };

function PatientTable({
  patients,
  clinicId,
  caption = 'Patients',
}: {
  patients: PatientList['patients'];
  clinicId: string;
  caption?: string;
}) {
  if (patients.length === 0) return <Text>No patients to show.</Text>;
  return (
    <Table.ScrollContainer minWidth={600}>
      <Table verticalSpacing="sm" striped>
        <Table.Caption>{caption}</Table.Caption>
        <Table.Thead>
          <Table.Tr>
            <Table.Th scope="col">Name</Table.Th>
            <Table.Th scope="col">Email</Table.Th>
            <Table.Th scope="col">Status</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {patients.map((patient) => (
            <Table.Tr key={patient.id}>
              <Table.Th scope="row" fw={600}>
                <TextLink to={`/clinic/${clinicId}/patients/${patient.id}`}>
                  {patient.displayName}
                </TextLink>
              </Table.Th>
              <Table.Td>{patient.email}</Table.Td>
              <Table.Td>
                <Group gap={4}>
                  {patient.status === 'disabled' && (
                    <Badge color="gray.8" radius="sm" tt="none">
                      Disabled
                    </Badge>
                  )}
                  {patient.relationship && (
                    <Badge
                      color={patient.relationship === 'break-glass' ? 'red.9' : 'teal.9'}
                      radius="sm"
                      tt="none"
                    >
                      {relationshipLabels[patient.relationship]}
                    </Badge>
                  )}
                </Group>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

/** How a provider finds a patient outside their list, to request emergency access. */
function FindPatient({ clinicId }: { clinicId: string }) {
  const [email, setEmail] = useState('');
  const search = useMutation({
    mutationFn: (address: string) => findPatientByEmail(clinicId, address),
  });
  function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    search.mutate(email.trim());
  }
  return (
    <Stack gap="sm" component="section" aria-labelledby="find-patient-heading">
      <Title order={2} id="find-patient-heading">
        Find another patient
      </Title>
      <Text>
        For an emergency involving a patient you do not care for, look them up by their exact email
        address, then request emergency access on their page.
      </Text>
      <form onSubmit={handleSubmit} noValidate>
        <Group align="flex-end">
          <TextInput
            label="Patient's email address"
            type="email"
            autoComplete="off"
            required
            value={email}
            onChange={(event) => setEmail(event.currentTarget.value)}
          />
          <Button type="submit" loading={search.isPending}>
            Find
          </Button>
        </Group>
      </form>
      {search.isError && (
        <Alert color="red" title={describeError(search.error).title}>
          {describeError(search.error).message}
        </Alert>
      )}
      {search.data && (
        <PatientTable patients={search.data.patients} clinicId={clinicId} caption="Search result" />
      )}
    </Stack>
  );
}
