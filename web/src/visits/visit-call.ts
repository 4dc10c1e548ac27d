import type { IceServers } from '@openvisit/contracts';
import { realtime } from '../shell/realtime';
import { PeerLink, type CallStatus, type IncomingSignal, type OutgoingSignal } from './peer-link';
import { visitRoom } from './visit-queries';

export type { CallStatus } from './peer-link';

/*
 * This page's side of a visit call: a mesh of up to four participants (the patient, the
 * provider, up to two guests), one PeerLink (RTCPeerConnection) per other participant.
 * Signaling goes through the realtime socket's `signal` event, addressed to one participant
 * (a user id or a guest id); the server relays it to that participant alone.
 *
 * - Politeness is decided per pair, the same way on both sides: the lower id is polite.
 * - On joining, and when someone new appears in the participant list, this side says `hello`
 *   to them; the side that hears it offers. Signals from someone not (yet) in this side's list
 *   are handled too: the server relays only between the visit's participants, and the list
 *   may simply lag behind (their `visit.guests` event still on its way).
 * - Someone who leaves the list (a guest removed) is hung up on and ignored from then on.
 */

export interface RemoteParticipant {
  status: CallStatus;
  stream: MediaStream | undefined;
}

export interface VisitCallOptions {
  visitId: string;
  /** This page's participant id (user id, or guest id). */
  selfId: string;
  localStream: MediaStream;
  fetchIceServers: () => Promise<IceServers>;
  /** Someone's stream or status changed: read `remotes()`. */
  onChange: () => void;
}

const HELLO_ATTEMPTS = 5;

interface Remote extends RemoteParticipant {
  link: PeerLink;
  /** Their signals, handled one at a time, in the order they came. */
  queue: Promise<void>;
}

export class VisitCall {
  private readonly remotesById = new Map<string, Remote>();
  /** Who this side knows is in the call (from the participant list). */
  private listed = new Set<string>();
  /** Left the list: late signals from them are ignored. */
  private readonly departed = new Set<string>();
  private ice: IceServers | undefined;
  private started = false;
  private closed = false;
  private stopSignals: (() => void) | undefined;
  private outgoingVideo: MediaStreamTrack | undefined;

  constructor(private readonly options: VisitCallOptions) {}

  async start() {
    this.ice = await this.options.fetchIceServers();
    if (this.closed) return;
    this.stopSignals = realtime.onTransient('signal', (data) => {
      const signal = data as IncomingSignal;
      if (signal.visitId !== this.options.visitId || typeof signal.from !== 'string') return;
      if (signal.from === this.options.selfId || this.departed.has(signal.from)) return;
      const remote = this.remoteFor(signal.from);
      remote.queue = remote.queue.then(() => remote.link.receive(signal)).catch(() => undefined);
    });
    this.started = true;
    await Promise.all([...this.listed].map((id) => this.greet(id)));
  }

  /** The other participants now (ids; this page's own is left out). */
  setParticipants(ids: string[]) {
    const next = new Set(ids.filter((id) => id !== this.options.selfId));
    for (const id of this.listed) {
      if (next.has(id)) continue;
      this.departed.add(id);
      this.remotesById.get(id)?.link.close();
      this.remotesById.delete(id);
    }
    const added = [...next].filter((id) => !this.listed.has(id));
    this.listed = next;
    for (const id of added) this.departed.delete(id);
    this.options.onChange();
    if (this.started) for (const id of added) void this.greet(id);
  }

  remotes(): ReadonlyMap<string, RemoteParticipant> {
    return this.remotesById;
  }

  /** Sends the camera, or another video track (a shared screen) in its place, to everyone. */
  async replaceVideo(track: MediaStreamTrack | undefined) {
    this.outgoingVideo = track;
    await Promise.all([...this.remotesById.values()].map((r) => r.link.replaceVideo(track)));
  }

  close() {
    if (this.closed) return;
    this.closed = true;
    this.stopSignals?.();
    for (const remote of this.remotesById.values()) remote.link.close();
    this.remotesById.clear();
  }

  /** Says `hello` to someone new in the list (unless they already reached this side). */
  private async greet(id: string) {
    if (this.remotesById.has(id)) return;
    this.remoteFor(id);
    const room = visitRoom(this.options.visitId);
    // The relay refuses a socket that has not joined the visit's room yet: wait for it.
    for (let attempt = 0; attempt < HELLO_ATTEMPTS; attempt += 1) {
      if (this.closed || !this.listed.has(id)) return;
      await realtime.whenLive(room);
      const reply = await this.send(id, { hello: true });
      if (reply?.ok) return;
      await new Promise((resolve) => setTimeout(resolve, 500 * 2 ** attempt));
    }
  }

  private send(to: string, signal: OutgoingSignal) {
    return realtime.send('signal', { visitId: this.options.visitId, to, ...signal });
  }

  private remoteFor(id: string): Remote {
    const existing = this.remotesById.get(id);
    if (existing) return existing;
    const remote: Remote = {
      status: 'connecting',
      stream: undefined,
      queue: Promise.resolve(),
      link: new PeerLink({
        // One side of each pair, the same on both: the lower id gives way.
        polite: this.options.selfId < id,
        localStream: this.options.localStream,
        iceServers: () => this.ice,
        refreshIceServers: async () => {
          try {
            this.ice = await this.options.fetchIceServers();
          } catch {
            // Restart with what there is: a direct path may still be found.
          }
          return this.ice;
        },
        outgoingVideo: () => this.outgoingVideo,
        send: (signal) => this.send(id, signal),
        onRemoteStream: (stream) => {
          if (this.remotesById.get(id) !== remote) return;
          remote.stream = stream;
          this.options.onChange();
        },
        onStatus: (status) => {
          if (this.remotesById.get(id) !== remote) return;
          remote.status = status;
          this.options.onChange();
        },
      }),
    };
    this.remotesById.set(id, remote);
    this.options.onChange();
    return remote;
  }
}
