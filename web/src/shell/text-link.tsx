import type { ReactNode } from 'react';
import { Anchor } from '@mantine/core';
import { Link } from 'react-router';

/** An in-app link inside running text: always underlined, so colour is not its only cue. */
export function TextLink(props: { to: string; children: ReactNode; 'aria-label'?: string }) {
  const { to, children } = props;
  return (
    <Anchor component={Link} to={to} underline="always" inherit aria-label={props['aria-label']}>
      {children}
    </Anchor>
  );
}
