import { Table } from '@mantine/core';
import type { VisitType } from '@openvisit/contracts';
import { dayAndTimeLabel, zoneLabel } from './zoned-time';
import { modalityLabel, priceLabel } from './visit-labels';

/** Provider, visit type and time of a visit about to be booked or moved, as a small table. */
export function VisitSummary(props: {
  providerName: string;
  /** The list's visit type when known (it has the price); else the appointment's. */
  visitType: Pick<VisitType, 'name' | 'modality' | 'durationMinutes'> &
    Partial<Pick<VisitType, 'priceCents' | 'currency'>>;
  startsAt: string;
  zone: string;
}) {
  const { visitType, startsAt, zone } = props;
  const rows: [string, string][] = [
    ['Provider', props.providerName],
    ['Visit', visitType.name],
    ['How', modalityLabel[visitType.modality]],
    ['When', dayAndTimeLabel(startsAt, zone)],
    ['Time zone', zoneLabel(zone, startsAt)],
    ['Length', `${visitType.durationMinutes} minutes`],
  ];
  if (visitType.priceCents !== undefined) {
    rows.push([
      'Price',
      priceLabel({ priceCents: visitType.priceCents, currency: visitType.currency ?? 'USD' }),
    ]);
  }
  return (
    <Table variant="vertical" withTableBorder layout="fixed">
      <Table.Tbody>
        {rows.map(([label, value]) => (
          <Table.Tr key={label}>
            <Table.Th w={140}>{label}</Table.Th>
            <Table.Td>{value}</Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}
