import { useState } from 'react';
import {
  Alert,
  Button,
  Fieldset,
  Group,
  NativeSelect,
  NumberInput,
  Stack,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import {
  providerScheduleSchema,
  weekdayNames,
  weekdays,
  type ProviderSchedule,
  type ProviderScheduleUpdate,
} from '@openvisit/contracts';
import { apiSend } from '../api/client';
import { bodyFieldErrors } from '../api/field-errors';
import { FormProblemAlert } from '../auth/form-feedback';
import { SuccessNotice } from '../shell/live-region';
import { providerScheduleQuery, schedulePath } from './availability-queries';
import { timeZoneOptions } from '../shell/time-zones';

interface Range {
  key: number;
  startTime: string;
  endTime: string;
}
type Week = Range[][];

let nextKey = 0;
const weekOf = (schedule: ProviderSchedule): Week =>
  weekdays.map((day) =>
    schedule.rules
      .filter((rule) => rule.weekday === day)
      .sort((a, b) => a.startTime.localeCompare(b.startTime))
      .map((rule) => ({ key: nextKey++, startTime: rule.startTime, endTime: rule.endTime })),
  );

/** The index each range has in the saved `rules` array: the server's error paths use it. */
const ruleIndexes = (week: Week) => {
  let index = 0;
  return week.map((ranges) => ranges.map(() => index++));
};

/**
 * The provider's zone, notice and horizon, and their weekly hours per weekday. Everything is
 * saved at once (the server replaces the whole set), so a half-edited week never applies.
 */
export function WeeklyHoursForm(props: {
  clinicId: string;
  providerId: string;
  schedule: ProviderSchedule;
}) {
  const { clinicId, providerId, schedule } = props;
  const [timeZone, setTimeZone] = useState(schedule.timeZone);
  const [notice, setNotice] = useState<number | string>(schedule.minimumNoticeMinutes);
  const [horizon, setHorizon] = useState<number | string>(schedule.bookingHorizonDays);
  const [week, setWeek] = useState(() => weekOf(schedule));
  const [saved, setSaved] = useState('');
  const [attempt, setAttempt] = useState(0);
  const queryClient = useQueryClient();
  const save = useMutation({
    mutationFn: (body: ProviderScheduleUpdate) =>
      apiSend('PUT', schedulePath(clinicId, providerId), body, providerScheduleSchema),
    onSuccess: (answer) => {
      queryClient.setQueryData(providerScheduleQuery(clinicId, providerId).queryKey, answer);
      setSaved('The hours are saved.');
    },
  });
  const errors = bodyFieldErrors(save.error);
  const indexes = ruleIndexes(week);

  const changeWeek = (day: number, ranges: Range[], structural: boolean) => {
    setSaved('');
    // Adding or removing a range moves the others' indexes: old messages would point wrongly.
    if (structural) save.reset();
    setWeek(week.map((current, d) => (d === day ? ranges : current)));
  };
  const submit = () => {
    setSaved('');
    setAttempt(attempt + 1);
    save.mutate({
      timeZone,
      minimumNoticeMinutes: typeof notice === 'number' ? notice : Number.NaN,
      bookingHorizonDays: typeof horizon === 'number' ? horizon : Number.NaN,
      rules: week.flatMap((ranges, weekday) =>
        ranges.map(({ startTime, endTime }) => ({ weekday, startTime, endTime })),
      ),
    });
  };

  return (
    <Stack
      component="form"
      gap="md"
      aria-labelledby="weekly-hours-heading"
      onSubmit={(event) => {
        event.preventDefault();
        submit();
      }}
    >
      <Title order={2} id="weekly-hours-heading">
        Weekly hours
      </Title>
      {!schedule.configured && (
        <Alert color="yellow" title="Not set up yet">
          Patients cannot book until the hours are saved.
        </Alert>
      )}
      <NativeSelect
        label="Time zone"
        description="The hours below are wall-clock times in this zone."
        data={timeZoneOptions(timeZone)}
        value={timeZone}
        onChange={(event) => setTimeZone(event.currentTarget.value)}
        error={errors.timeZone}
        maw={360}
      />
      <Group align="flex-start">
        <NumberInput
          label="Minimum notice (minutes)"
          description="No booking closer to the start than this."
          min={0}
          max={10_080}
          allowDecimal={false}
          value={notice}
          onChange={setNotice}
          error={errors.minimumNoticeMinutes}
          maw={260}
        />
        <NumberInput
          label="Booking horizon (days)"
          description="No booking further ahead than this."
          min={1}
          max={365}
          allowDecimal={false}
          value={horizon}
          onChange={setHorizon}
          error={errors.bookingHorizonDays}
          maw={260}
        />
      </Group>
      <Text size="sm">
        Times are HH:MM on a 24-hour clock; 24:00 ends a range at midnight. Hours past midnight are
        two ranges (22:00–24:00, then 00:00–02:00 the next day).
      </Text>
      {weekdays.map((day) => (
        <DayHours
          key={day}
          name={weekdayNames[day]}
          ranges={week[day]!}
          errorOf={(i, field) => errors[`rules.${indexes[day]![i]}.${field}`]}
          onChange={(ranges, structural) => changeWeek(day, ranges, structural)}
        />
      ))}
      {save.isError && (
        <FormProblemAlert
          error={save.error}
          attempt={attempt}
          fields={[
            'timeZone',
            'minimumNoticeMinutes',
            'bookingHorizonDays',
            ...indexes.flat().flatMap((i) => [`rules.${i}.startTime`, `rules.${i}.endTime`]),
          ]}
        />
      )}
      <SuccessNotice message={saved} />
      <Group>
        <Button type="submit" loading={save.isPending}>
          Save hours
        </Button>
      </Group>
    </Stack>
  );
}

function DayHours(props: {
  name: string;
  ranges: Range[];
  errorOf: (index: number, field: 'startTime' | 'endTime') => string | undefined;
  onChange: (ranges: Range[], structural: boolean) => void;
}) {
  const { name, ranges, onChange } = props;
  const edit = (index: number, change: Partial<Range>) =>
    onChange(
      ranges.map((r, i) => (i === index ? { ...r, ...change } : r)),
      false,
    );
  return (
    <Fieldset legend={name} variant="unstyled">
      <Stack gap="xs">
        {ranges.length === 0 && <Text c="dimmed">No hours.</Text>}
        {ranges.map((range, i) => (
          <Group
            key={range.key}
            role="group"
            aria-label={`${name}, hours ${i + 1}`}
            align="flex-start"
            gap="sm"
          >
            <TextInput
              label="From"
              placeholder="09:00"
              inputMode="numeric"
              value={range.startTime}
              onChange={(event) => edit(i, { startTime: event.currentTarget.value })}
              error={props.errorOf(i, 'startTime')}
              w={140}
            />
            <TextInput
              label="To"
              placeholder="17:00"
              inputMode="numeric"
              value={range.endTime}
              onChange={(event) => edit(i, { endTime: event.currentTarget.value })}
              error={props.errorOf(i, 'endTime')}
              w={140}
            />
            <Button
              variant="default"
              mt={25}
              aria-label={`Remove ${name} ${range.startTime}–${range.endTime}`}
              onClick={() =>
                onChange(
                  ranges.filter((_, j) => j !== i),
                  true,
                )
              }
            >
              Remove
            </Button>
          </Group>
        ))}
        <Group>
          <Button
            variant="subtle"
            onClick={() => {
              const last = ranges.at(-1);
              onChange(
                [
                  ...ranges,
                  { key: nextKey++, startTime: last ? '' : '09:00', endTime: last ? '' : '17:00' },
                ],
                true,
              );
            }}
          >
            Add hours on {name}
          </Button>
        </Group>
      </Stack>
    </Fieldset>
  );
}
