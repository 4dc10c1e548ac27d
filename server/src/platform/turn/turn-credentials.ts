import { createHmac } from 'node:crypto';
import type { Clock } from '../clock.js';

/** A coturn running with `use-auth-secret`, which shares `secret` with this server. */
export interface TurnServerConfig {
  /** turn: and turns: URLs, as browsers take them (`turns:turn.clinic.example:443?transport=tcp`). */
  urls: string[];
  secret: string;
  /** How long a handed-out credential may open a relay. */
  credentialTtlSeconds: number;
}

/** The ICE servers this deployment offers browsers (STUN_URLS, TURN_URLS, TURN_SECRET). */
export interface IceConfig {
  stunUrls: string[];
  /** `relay`: browsers use TURN only (neither side learns the other's address). */
  transportPolicy: 'all' | 'relay';
  turn: TurnServerConfig | undefined;
}

/** The shape of the browser's RTCIceServer (the server is compiled without the DOM types). */
export interface IceServer {
  urls: string[];
  username?: string;
  credential?: string;
}

export interface IceServers {
  /** For `new RTCPeerConnection({ iceServers })`, STUN first; empty when nothing is configured. */
  iceServers: IceServer[];
  /**
   * When the TURN credential stops opening relays (ISO 8601); null without TURN. coturn
   * checks it when a relay is allocated only: a call already relayed goes on, but an ICE
   * restart after this time needs fresh servers.
   */
  expiresAt: string | null;
  /** For `new RTCPeerConnection({ iceTransportPolicy })`. */
  iceTransportPolicy: 'all' | 'relay';
}

export const DEFAULT_TURN_CREDENTIAL_TTL_S = 3600;

/**
 * Short-lived TURN credentials in the TURN REST API scheme that coturn implements with
 * `use-auth-secret`: the username is `<unix expiry seconds>:<user id>` and the password is
 * base64(HMAC-SHA1(secret, username)). coturn recomputes the password from its copy of the
 * secret and refuses the username once its time has passed, so nothing is stored and a
 * leaked credential is worth at most one TTL.
 *
 * Without TURN the answer holds the STUN servers alone (or nothing): browsers then connect
 * directly, which works on open networks and fails behind strict NATs and firewalls. No
 * public STUN server is offered by default; it would learn every patient's address.
 *
 * The credential is a bearer secret for the relay: never log it (nor the secret).
 */
export function iceServersFor(config: IceConfig, clock: Clock, userId: string): IceServers {
  // coturn reads the expiry up to the first ':'; a user id must not move that boundary.
  if (!/^[^\s:]{1,128}$/.test(userId)) {
    throw new Error('TURN user id must be 1-128 characters without spaces or colons');
  }
  const iceServers: IceServer[] = config.stunUrls.length ? [{ urls: [...config.stunUrls] }] : [];
  const turn = config.turn;
  const iceTransportPolicy = config.transportPolicy;
  if (!turn || !turn.urls.length) return { iceServers, expiresAt: null, iceTransportPolicy };

  const expiresAtSeconds = Math.floor(clock.now().getTime() / 1000) + turn.credentialTtlSeconds;
  const username = `${expiresAtSeconds}:${userId}`;
  const credential = createHmac('sha1', turn.secret).update(username).digest('base64');
  iceServers.push({ urls: [...turn.urls], username, credential });
  return {
    iceServers,
    expiresAt: new Date(expiresAtSeconds * 1000).toISOString(),
    iceTransportPolicy,
  };
}
