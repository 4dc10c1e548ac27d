import type { ReactNode } from 'react';
import { Stack, Tabs } from '@mantine/core';
import { useSearchParams } from 'react-router';
import { PatientDocumentsSection } from '../documents/documents-panel';
import { IntakeResponsesSection } from '../intake/intake-responses-section';
import { ChartAppointments } from '../scheduling/chart-appointments';
import { CorrectionsSection } from './corrections-section';
import { HealthHistorySection } from './health-history-section';
import { InsuranceSection } from './insurance-section';
import { ProfileForm } from './profile-form';

interface ChartTab {
  value: string;
  label: string;
  /** Health content: shown to the patient's providers, not to staff as such. */
  clinical: boolean;
  render: () => ReactNode;
}

/**
 * The chart as the clinic sees it, one tab per part. Staff and admins (without a care
 * relationship) see the administrative parts only; the server enforces the same split.
 * The open tab is kept in the address, so reload and back return to it.
 */
export function ChartTabs(props: {
  clinicId: string;
  patientId: string;
  clinical: boolean;
  staff: boolean;
  overview: ReactNode;
}) {
  const { clinicId, patientId } = props;
  const [params, setParams] = useSearchParams();
  const record = { clinicId, patientId };
  const tabs: ChartTab[] = [
    { value: 'overview', label: 'Overview', clinical: false, render: () => props.overview },
    {
      value: 'profile',
      label: 'Profile',
      clinical: false,
      render: () => <ProfileForm {...record} own={false} />,
    },
    {
      value: 'health',
      label: 'Health history',
      clinical: true,
      render: () => <HealthHistorySection {...record} own={false} />,
    },
    {
      value: 'intake',
      label: 'Questionnaires',
      clinical: true,
      render: () => <IntakeResponsesSection {...record} />,
    },
    {
      value: 'insurance',
      label: 'Insurance',
      clinical: false,
      render: () => <InsuranceSection {...record} own={false} />,
    },
    {
      // Staff see insurance cards and ID documents here; the server filters the rest out.
      value: 'documents',
      label: 'Documents',
      clinical: false,
      render: () => <PatientDocumentsSection {...record} />,
    },
    {
      value: 'appointments',
      label: 'Appointments',
      clinical: false,
      render: () => <ChartAppointments {...record} canBook={props.staff} />,
    },
    {
      value: 'corrections',
      label: 'Corrections',
      clinical: false,
      render: () => (
        <CorrectionsSection {...record} audience={props.staff ? 'staff' : 'provider'} />
      ),
    },
  ].filter((tab) => props.clinical || !tab.clinical);
  const requested = params.get('tab');
  const active = tabs.some((t) => t.value === requested) ? requested! : 'overview';
  return (
    <Tabs
      value={active}
      onChange={(value) =>
        setParams(value && value !== 'overview' ? { tab: value } : {}, { replace: true })
      }
      keepMounted={false}
    >
      <Tabs.List aria-label="Parts of the record">
        {tabs.map((tab) => (
          <Tabs.Tab key={tab.value} value={tab.value}>
            {tab.label}
          </Tabs.Tab>
        ))}
      </Tabs.List>
      {tabs.map((tab) => (
        <Tabs.Panel key={tab.value} value={tab.value} pt="md">
          <Stack gap="lg">{tab.render()}</Stack>
        </Tabs.Panel>
      ))}
    </Tabs>
  );
}
