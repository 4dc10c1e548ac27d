import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { problemSchema } from '@openvisit/contracts';
import { AppError } from '../../platform/errors.js';
import { E164 } from '../../platform/sms/sms.js';
import { verifyTwilioSignature } from '../../platform/sms/twilio-signature.js';
import type { SmsOptOuts } from './sms-opt-outs.js';

export interface SmsWebhookRouteDeps {
  /** config.sms.twilio: undefined when texts stay in the development outbox. */
  twilio: { authToken: string } | undefined;
  /** config.publicUrl: the address Twilio was told to call, which its signature covers. */
  publicUrl: string;
  optOuts: SmsOptOuts;
}

export const SMS_WEBHOOK_PATH = '/api/webhooks/twilio/sms';

/**
 * Twilio's standard opt-out and opt-in keywords. Twilio itself blocks the number and sends
 * the confirmation text; we mirror its list so our settings agree with what it will deliver.
 */
const OPT_OUT = new Set(['STOP', 'STOPALL', 'UNSUBSCRIBE', 'CANCEL', 'END', 'QUIT']);
const OPT_IN = new Set(['START', 'YES', 'UNSTOP']);

/** An incoming text is a few hundred bytes of form fields; refuse anything far larger. */
const WEBHOOK_BODY_LIMIT = 64 * 1024;
/** TwiML that asks Twilio to send nothing back (it sends its own STOP/START confirmation). */
const EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>';

/**
 * Incoming texts to the clinic's number (Twilio's "A message comes in" webhook). Only the
 * STOP/START family of keywords does anything; nothing else a person texts is stored or
 * logged, since it could be anything, symptoms included.
 */
export const smsWebhookRoutes: FastifyPluginAsyncZod<SmsWebhookRouteDeps> = async (
  app,
  { twilio, publicUrl, optOuts },
) => {
  // Twilio posts a form, not JSON. This parser exists only inside this plugin: no other
  // route accepts form bodies, and this one accepts nothing else.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string', bodyLimit: WEBHOOK_BODY_LIMIT },
    (_request, body, done) => {
      done(null, Object.fromEntries(new URLSearchParams(body as string)));
    },
  );

  app.post(
    SMS_WEBHOOK_PATH,
    {
      // No session, no CSRF header: the call is authenticated by X-Twilio-Signature below.
      config: { access: { rule: 'webhook' } },
      bodyLimit: WEBHOOK_BODY_LIMIT,
      // Without Twilio there is no auth token to check signatures with: nothing is here.
      onRequest: async () => {
        if (!twilio) throw new AppError('not-found', 'Nothing exists at this address.');
      },
      schema: {
        tags: ['notifications'],
        summary: 'Twilio incoming-text webhook: STOP and START replies (signed by Twilio)',
        body: z.record(z.string(), z.string()),
        response: {
          200: z.string().describe('Empty TwiML (text/xml): Twilio sends its own confirmation'),
          403: problemSchema,
          404: problemSchema,
        },
      },
    },
    async (request, reply) => {
      const params = request.body;
      const signed = verifyTwilioSignature(
        twilio!.authToken,
        `${publicUrl}${request.url}`,
        params,
        request.headers['x-twilio-signature'],
      );
      if (!signed) {
        request.log.warn('incoming text refused: Twilio signature missing or wrong');
        throw new AppError('forbidden', 'The request is not signed by Twilio.');
      }

      const from = params.From ?? '';
      const keyword = (params.Body ?? '').trim().toUpperCase();
      // Short codes, WhatsApp ("whatsapp:+1…") and the like are not ours to opt out.
      if (E164.test(from)) {
        if (OPT_OUT.has(keyword)) {
          const switchedOff = await optOuts.optOut(from, keyword);
          for (const userId of switchedOff) {
            await app.recordAudit(
              request,
              {
                action: 'update',
                resourceType: 'notification-preferences',
                resourceId: userId,
                outcome: 'allowed',
              },
              'best-effort',
            );
          }
        } else if (OPT_IN.has(keyword)) {
          await optOuts.optIn(from);
        }
      }
      return reply.code(200).type('text/xml; charset=utf-8').send(EMPTY_TWIML);
    },
  );
};
