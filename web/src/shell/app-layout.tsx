import { useEffect, useId, useRef } from 'react';
import {
  Alert,
  AppShell,
  Burger,
  Button,
  Group,
  NavLink,
  Stack,
  Text,
  VisuallyHidden,
} from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { Link, NavLink as RouterNavLink, Outlet, useLocation, useMatch } from 'react-router';
import { describeError } from '../api/describe-error';
import { IdleWatcher } from '../auth/idle-watcher';
import { useSession, useSignOut, type SessionState } from '../auth/session';
import { MessagingLive } from '../messaging/messaging-live';
import { UnreadNavBadge } from '../messaging/unread-badge';
import classes from './app-layout.module.css';
import { RealtimeSession } from './realtime';

interface ShellLink {
  to: string;
  label: string;
  description: string;
  /** Active only on this exact path, not below it (Admin is not current on Admin › People). */
  end?: boolean;
  /** Shows the person's unread message count. */
  unread?: boolean;
}

const areaLinks: ShellLink[] = [
  { to: '/patient', label: 'Patient', description: 'Visits, messages and records' },
  { to: '/provider', label: 'Provider', description: 'Schedule and waiting room', end: true },
  { to: '/admin', label: 'Admin', description: 'Clinic, people and compliance', end: true },
];

const workforceLinks: ShellLink[] = [
  { to: '/clinic/inbox', label: 'Inbox', description: 'Secure messages', unread: true },
  { to: '/clinic/patients', label: 'Patients', description: 'Records and care teams' },
];

const providerLinks: ShellLink[] = [
  { to: '/provider/waiting-room', label: 'Waiting room', description: 'Admit checked-in patients' },
  { to: '/provider/calendar', label: 'Calendar', description: 'Your visits, week by week' },
  { to: '/provider/availability', label: 'Availability', description: 'Hours, time off' },
  { to: '/provider/profile', label: 'My profile', description: 'Photo, bio, licenses' },
];

const staffLinks: ShellLink[] = [
  { to: '/clinic/schedule', label: 'Schedule', description: "The clinic's visits, day by day" },
  { to: '/clinic/corrections', label: 'Corrections', description: "Patients' amendment requests" },
];

const adminLinks: ShellLink[] = [
  { to: '/admin/people', label: 'People', description: 'Invite, disable, reset sign-in' },
  {
    to: '/admin/emergency-access',
    label: 'Emergency access',
    description: 'Review break-glass openings',
  },
  { to: '/admin/audit', label: 'Audit trail', description: 'Search and export accesses' },
  { to: '/admin/providers', label: 'Providers', description: 'Profiles, NPI, state licenses' },
  { to: '/admin/consents', label: 'Consent documents', description: 'Publish new versions' },
  { to: '/admin/clinic', label: 'Clinic settings', description: 'The clinic’s time zone' },
];

const patientLinks: ShellLink[] = [
  { to: '/patient/messages', label: 'Messages', description: 'Your care team', unread: true },
  { to: '/patient/book', label: 'Book a visit', description: 'Choose a provider and a time' },
  { to: '/patient/visits', label: 'My visits', description: 'Upcoming and past, reschedule' },
  { to: '/patient/profile', label: 'My details', description: 'Name, contact, location' },
  { to: '/patient/health', label: 'Health history', description: 'Allergies, medications' },
  { to: '/patient/insurance', label: 'Insurance', description: 'Your coverage' },
  { to: '/patient/documents', label: 'My documents', description: 'Lab results, referrals, cards' },
  { to: '/patient/corrections', label: 'Correct my record', description: 'Ask for an amendment' },
  { to: '/patient/intake', label: 'Questionnaires', description: 'Before your visit' },
  { to: '/patient/consents', label: 'Consent forms', description: 'Read and sign' },
  { to: '/patient/access-history', label: 'Access history', description: 'Who saw your record' },
];

/** The area links a person's roles call for: workforce pages only for the workforce. */
function areaLinksFor(sessionState: SessionState): ShellLink[] {
  if (sessionState.status !== 'signed-in') return areaLinks;
  const roles = new Set(sessionState.session.memberships.map((membership) => membership.role));
  const workforce = roles.has('provider') || roles.has('staff') || roles.has('admin');
  return [
    ...areaLinks,
    ...(roles.has('patient') ? patientLinks : []),
    ...(workforce ? workforceLinks : []),
    ...(roles.has('provider') ? providerLinks : []),
    ...(roles.has('staff') || roles.has('admin') ? staffLinks : []),
    ...(roles.has('admin') ? adminLinks : []),
  ];
}

const signedInAccountLinks: ShellLink[] = [
  { to: '/account/sessions', label: 'Your sessions', description: 'Devices signed in to you' },
  { to: '/account/password', label: 'Change password', description: 'Signs out other devices' },
  {
    to: '/account/notifications',
    label: 'Notifications',
    description: 'Email and text reminders',
  },
  {
    to: '/account/two-step/setup',
    label: 'Two-step sign-in',
    description: 'Authenticator app codes',
  },
];

const signedOutAccountLinks: ShellLink[] = [
  { to: '/sign-in', label: 'Sign in', description: 'Patients and clinic staff' },
  { to: '/register', label: 'Create an account', description: 'For patients' },
];

const serviceLinks: ShellLink[] = [
  { to: '/status', label: 'System status', description: 'Is the server ready?' },
];

export function AppLayout() {
  const [navOpened, { toggle: toggleNav, close: closeNav }] = useDisclosure(false);
  const sessionState = useSession();
  const signOut = useSignOut();
  useFocusHeadingOnNavigation();

  return (
    <AppShell
      header={{ height: 60 }}
      navbar={{ width: 260, breakpoint: 'sm', collapsed: { mobile: !navOpened } }}
      padding="lg"
    >
      <a href="#main" className={classes.skipLink}>
        Skip to main content
      </a>

      <AppShell.Header>
        <Group h="100%" px="md" gap="sm" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap">
            <Burger
              opened={navOpened}
              onClick={toggleNav}
              hiddenFrom="sm"
              size="sm"
              aria-label={navOpened ? 'Close navigation' : 'Open navigation'}
              aria-expanded={navOpened}
              aria-controls="app-navigation"
            />
            <Link to="/" className={classes.brand} onClick={closeNav}>
              OpenVisit
            </Link>
          </Group>
          <HeaderAccount
            sessionState={sessionState}
            signingOut={signOut.isPending}
            onSignOut={() => {
              closeNav();
              signOut.mutate();
            }}
          />
        </Group>
      </AppShell.Header>

      <AppShell.Navbar
        id="app-navigation"
        aria-label="Main"
        p="sm"
        className={classes.navbar}
        mod={{ 'mobile-collapsed': !navOpened }}
      >
        <Stack gap="lg">
          {/* Mid sign-in (second factor owed) only the step itself and signing out apply. */}
          {sessionState.status !== 'second-step' && (
            <>
              <NavSection
                heading="Areas"
                links={areaLinksFor(sessionState)}
                onNavigate={closeNav}
              />
              <NavSection
                heading="Account"
                links={
                  sessionState.status === 'signed-in' ? signedInAccountLinks : signedOutAccountLinks
                }
                onNavigate={closeNav}
              />
            </>
          )}
          <NavSection heading="Service" links={serviceLinks} onNavigate={closeNav} />
        </Stack>
      </AppShell.Navbar>

      <AppShell.Main id="main" tabIndex={-1} className={classes.main}>
        {signOut.isError && (
          // Saying "signed out" when the server never heard would be worse on a shared computer.
          <Alert key={signOut.submittedAt} color="red" title="You are still signed in" mb="lg">
            Signing out did not reach the server: {describeError(signOut.error).message} Try again
            in a moment.
          </Alert>
        )}
        <IdleWatcher />
        <RealtimeSession />
        <MessagingLive />
        <Outlet />
      </AppShell.Main>
    </AppShell>
  );
}

function HeaderAccount({
  sessionState,
  signingOut,
  onSignOut,
}: {
  sessionState: SessionState;
  signingOut: boolean;
  onSignOut: () => void;
}) {
  // Nothing while the first answer is on its way, rather than a "Sign in" that flips over.
  if (sessionState.status === 'pending') return null;
  if (sessionState.status !== 'signed-in' && sessionState.status !== 'second-step') {
    return (
      <Button component={Link} to="/sign-in" variant="default">
        Sign in
      </Button>
    );
  }
  return (
    <Group gap="sm" wrap="nowrap" miw={0}>
      <Text fw={600} truncate="end" maw={{ base: 120, xs: 240 }} data-testid="signed-in-name">
        <VisuallyHidden>Signed in as </VisuallyHidden>
        {sessionState.session.user.displayName}
      </Text>
      <Button variant="default" onClick={onSignOut} loading={signingOut}>
        Sign out
      </Button>
    </Group>
  );
}

function NavSection({
  heading,
  links,
  onNavigate,
}: {
  heading: string;
  links: ShellLink[];
  onNavigate: () => void;
}) {
  // Not an <h2>: the nav comes before each page's h1, and headings should start there.
  const headingId = useId();
  return (
    <div>
      <Text id={headingId} size="xs" fw={700} tt="uppercase" c="dimmed" px="sm" mb={4}>
        {heading}
      </Text>
      <ul className={classes.navList} aria-labelledby={headingId}>
        {links.map((link) => (
          <li key={link.to}>
            <ShellNavLink link={link} onNavigate={onNavigate} />
          </li>
        ))}
      </ul>
    </div>
  );
}

function ShellNavLink({ link, onNavigate }: { link: ShellLink; onNavigate: () => void }) {
  // React Router's NavLink sets aria-current="page"; Mantine needs `active` for the styling.
  const end = link.end ?? false;
  const active = useMatch({ path: link.to, end }) !== null;
  return (
    <NavLink
      component={RouterNavLink}
      to={link.to}
      end={end}
      label={link.label}
      description={link.description}
      rightSection={link.unread ? <UnreadNavBadge /> : undefined}
      active={active}
      onClick={onNavigate}
    />
  );
}

/**
 * A client-side route change is silent to screen readers; moving focus to the new page's h1
 * announces it and puts keyboard users at the start of the content (not on the first load,
 * where focus belongs to the browser).
 */
function useFocusHeadingOnNavigation() {
  const { pathname } = useLocation();
  const previousPathname = useRef(pathname);

  useEffect(() => {
    if (previousPathname.current === pathname) return;
    previousPathname.current = pathname;
    const heading = document.querySelector<HTMLElement>('#main h1');
    if (!heading) return;
    heading.tabIndex = -1;
    heading.focus();
  }, [pathname]);
}
