import type { IceServers, Signal } from '@openvisit/contracts';
import { realtime } from '../shell/realtime';
import { fetchIceServers, visitRoom } from './visit-queries';

/*
 * One side of a 1:1 visit call: an RTCPeerConnection with the "perfect negotiation" pattern
 * (https://w3c.github.io/webrtc-pc/#perfect-negotiation-example). The patient is polite (an
 * offer that collides with theirs wins), the provider impolite. Signaling goes through the
 * realtime socket's `signal` event, addressed to the other participant's user id.
 *
 * A peer connection belongs to one remote socket: when signals start coming from another
 * socket (the other side reloaded the page), the old connection is dropped and a fresh one
 * negotiated. A side that joins says `hello`; the other side answers with a fresh offer.
 */

export type CallStatus = 'connecting' | 'connected' | 'reconnecting' | 'ended';

export interface VisitCallOptions {
  clinicId: string;
  visitId: string;
  peerId: string;
  polite: boolean;
  localStream: MediaStream;
  onRemoteStream: (stream: MediaStream | undefined) => void;
  onStatus: (status: CallStatus) => void;
}

interface IncomingSignal {
  visitId?: unknown;
  from?: unknown;
  fromSocket?: unknown;
  description?: RTCSessionDescriptionInit;
  candidate?: RTCIceCandidateInit | null;
  hello?: boolean;
}

/** Ask again for ICE servers when the TURN credentials have less than this left. */
const ICE_REFRESH_MARGIN_MS = 60_000;
const HELLO_ATTEMPTS = 5;

export class VisitCall {
  private pc: RTCPeerConnection | undefined;
  private peerSocket: string | undefined;
  private ice: IceServers | undefined;
  private makingOffer = false;
  private ignoreOffer = false;
  private everConnected = false;
  private closed = false;
  private stopSignals: (() => void) | undefined;
  /** Signals handled one at a time, in the order they came. */
  private queue: Promise<void> = Promise.resolve();
  private videoSender: RTCRtpSender | undefined;
  private outgoingVideo: MediaStreamTrack | undefined;

  constructor(private readonly options: VisitCallOptions) {}

  async start() {
    this.options.onStatus('connecting');
    this.ice = await fetchIceServers(this.options.clinicId, this.options.visitId);
    if (this.closed) return;
    this.stopSignals = realtime.onTransient('signal', (data) => {
      const signal = data as IncomingSignal;
      if (signal.visitId !== this.options.visitId || signal.from !== this.options.peerId) return;
      this.queue = this.queue.then(() => this.receive(signal)).catch(() => undefined);
    });
    await this.sayHello();
  }

  /** Sends the camera, or another video track (a shared screen) in its place. */
  async replaceVideo(track: MediaStreamTrack | undefined) {
    this.outgoingVideo = track;
    await this.videoSender?.replaceTrack(track ?? this.cameraTrack() ?? null);
  }

  close() {
    if (this.closed) return;
    this.closed = true;
    this.stopSignals?.();
    this.pc?.close();
    this.pc = undefined;
    this.options.onRemoteStream(undefined);
    this.options.onStatus('ended');
  }

  // --- signaling ----------------------------------------------------------------------------

  private async sayHello() {
    const room = visitRoom(this.options.visitId);
    // The relay refuses a socket that has not joined the visit's room yet: wait for it.
    for (let attempt = 0; attempt < HELLO_ATTEMPTS && !this.closed; attempt += 1) {
      await realtime.whenLive(room);
      const reply = await this.send({ hello: true });
      if (reply?.ok) return;
      await new Promise((resolve) => setTimeout(resolve, 500 * 2 ** attempt));
    }
  }

  private send(signal: Omit<Signal, 'visitId' | 'to'>) {
    return realtime.send('signal', {
      visitId: this.options.visitId,
      to: this.options.peerId,
      ...signal,
    });
  }

  private async receive(signal: IncomingSignal) {
    if (this.closed || typeof signal.fromSocket !== 'string') return;
    const fromSocket = signal.fromSocket;
    if (signal.hello) {
      // The other side (re)joined: a fresh connection to them, which offers by itself.
      if (fromSocket !== this.peerSocket || this.pc?.connectionState !== 'connected') {
        this.connectTo(fromSocket);
      }
      return;
    }
    if (!this.pc || fromSocket !== this.peerSocket) this.connectTo(fromSocket);
    const pc = this.pc!;
    if (signal.description) {
      const description = signal.description;
      const collision =
        description.type === 'offer' && (this.makingOffer || pc.signalingState !== 'stable');
      this.ignoreOffer = !this.options.polite && collision;
      if (this.ignoreOffer) return;
      await pc.setRemoteDescription(description);
      if (description.type === 'offer') {
        await pc.setLocalDescription();
        await this.sendDescription(pc);
      }
    } else if (signal.candidate) {
      try {
        await pc.addIceCandidate(signal.candidate);
      } catch (error) {
        // Candidates of an offer this side ignored fail to apply: expected.
        if (!this.ignoreOffer) throw error;
      }
    }
  }

  private async sendDescription(pc: RTCPeerConnection) {
    const local = pc.localDescription;
    if (!local || pc !== this.pc) return;
    await this.send({
      description: { type: local.type as 'offer' | 'answer' | 'rollback', sdp: local.sdp },
    });
  }

  // --- the peer connection ----------------------------------------------------------------

  private cameraTrack() {
    return this.options.localStream.getVideoTracks()[0];
  }

  /** A fresh peer connection to `socket`, sending this side's camera and microphone. */
  private connectTo(socket: string) {
    this.pc?.close();
    this.peerSocket = socket;
    this.makingOffer = false;
    this.ignoreOffer = false;
    this.options.onStatus(this.everConnected ? 'reconnecting' : 'connecting');
    const pc = new RTCPeerConnection({
      iceServers: this.ice?.iceServers ?? [],
      // `relay` when the clinic hides both sides' addresses behind TURN.
      iceTransportPolicy: this.ice?.iceTransportPolicy ?? 'all',
    });
    this.pc = pc;
    const remote = new MediaStream();
    this.options.onRemoteStream(remote);
    const { localStream } = this.options;
    for (const track of localStream.getAudioTracks()) pc.addTrack(track, localStream);
    const video = this.outgoingVideo ?? this.cameraTrack();
    this.videoSender = video ? pc.addTrack(video, localStream) : undefined;

    pc.ontrack = ({ track }) => {
      remote.addTrack(track);
      this.options.onRemoteStream(remote);
    };
    pc.onicecandidate = ({ candidate }) => {
      // No end-of-candidates marker: the other side needs none to connect.
      if (candidate?.candidate && pc === this.pc) {
        const { sdpMid, sdpMLineIndex, usernameFragment } = candidate;
        void this.send({
          candidate: { candidate: candidate.candidate, sdpMid, sdpMLineIndex, usernameFragment },
        });
      }
    };
    pc.onnegotiationneeded = async () => {
      try {
        this.makingOffer = true;
        await pc.setLocalDescription();
        await this.sendDescription(pc);
      } catch {
        // A negotiation overtaken by a newer one (or a closed connection): nothing to do.
      } finally {
        this.makingOffer = false;
      }
    };
    pc.oniceconnectionstatechange = () => {
      // A network change broke the path: gather new candidates with fresh credentials.
      if (pc.iceConnectionState === 'failed' && pc === this.pc) void this.restartIce(pc);
    };
    pc.onconnectionstatechange = () => {
      if (pc !== this.pc || this.closed) return;
      if (pc.connectionState === 'connected') {
        this.everConnected = true;
        this.options.onStatus('connected');
      } else if (pc.connectionState === 'disconnected' || pc.connectionState === 'failed') {
        this.options.onStatus('reconnecting');
      }
    };
  }

  private async restartIce(pc: RTCPeerConnection) {
    const expiresAt = this.ice?.expiresAt ? Date.parse(this.ice.expiresAt) : undefined;
    if (expiresAt !== undefined && expiresAt - Date.now() < ICE_REFRESH_MARGIN_MS) {
      try {
        this.ice = await fetchIceServers(this.options.clinicId, this.options.visitId);
        pc.setConfiguration({
          iceServers: this.ice.iceServers,
          iceTransportPolicy: this.ice.iceTransportPolicy,
        });
      } catch {
        // Restart with what there is: a direct path may still be found.
      }
    }
    if (pc === this.pc) pc.restartIce();
  }
}
