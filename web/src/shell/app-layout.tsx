import { useEffect, useId, useRef } from 'react';
import { AppShell, Burger, Group, NavLink, Stack, Text } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { Link, NavLink as RouterNavLink, Outlet, useLocation, useMatch } from 'react-router';
import classes from './app-layout.module.css';

interface ShellLink {
  to: string;
  label: string;
  description: string;
}

const areaLinks: ShellLink[] = [
  { to: '/patient', label: 'Patient', description: 'Visits, messages and records' },
  { to: '/provider', label: 'Provider', description: 'Schedule and waiting room' },
  { to: '/admin', label: 'Admin', description: 'Clinic, people and compliance' },
];

const accountLinks: ShellLink[] = [
  { to: '/sign-in', label: 'Sign in', description: 'Patients and clinic staff' },
  { to: '/status', label: 'System status', description: 'Is the server ready?' },
];

export function AppLayout() {
  const [navOpened, { toggle: toggleNav, close: closeNav }] = useDisclosure(false);
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
        <Group h="100%" px="md" gap="sm">
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
      </AppShell.Header>

      <AppShell.Navbar
        id="app-navigation"
        aria-label="Main"
        p="sm"
        className={classes.navbar}
        mod={{ 'mobile-collapsed': !navOpened }}
      >
        <Stack gap="lg">
          <NavSection heading="Areas" links={areaLinks} onNavigate={closeNav} />
          <NavSection heading="Account and service" links={accountLinks} onNavigate={closeNav} />
        </Stack>
      </AppShell.Navbar>

      <AppShell.Main id="main" tabIndex={-1} className={classes.main}>
        <Outlet />
      </AppShell.Main>
    </AppShell>
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
  const active = useMatch({ path: link.to, end: false }) !== null;
  return (
    <NavLink
      component={RouterNavLink}
      to={link.to}
      label={link.label}
      description={link.description}
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
