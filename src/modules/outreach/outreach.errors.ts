import { AppError, notFound } from '../../platform/errors.ts';
import type { Exclusion } from './outreach.repository.ts';

export const messageNotFound = () => notFound('MESSAGE_NOT_FOUND', 'Message');
export const templateNotFound = () => notFound('TEMPLATE_NOT_FOUND', 'Template');
export const campaignNotFound = () => notFound('CAMPAIGN_NOT_FOUND', 'Campaign');

/** Why a message cannot go to this customer, as a 409 a person can act on. */
export function notSendable(reason: Exclusion, channel: string): AppError {
  const how = channel === 'email' ? 'email address' : 'valid mobile number';
  switch (reason) {
    case 'no_address':
      return new AppError('NO_ADDRESS', `This customer has no ${how} on record`, 409);
    case 'suppressed':
      return new AppError(
        'ADDRESS_SUPPRESSED',
        `This ${channel === 'email' ? 'address' : 'number'} is on the suppression list (unsubscribed, bounced or replied STOP): nothing is sent to it`,
        409,
      );
    case 'no_consent':
      return new AppError(
        'NO_CONSENT',
        `A marketing message needs the customer's consent for ${channel}; record it first, or send a service message`,
        409,
      );
  }
}

export const channelNotConfigured = (channel: string) =>
  new AppError(
    'CHANNEL_NOT_CONFIGURED',
    channel === 'email'
      ? 'Email is not set up: the server needs RAPPORT_SMTP_URL and Settings → Messages needs a From address'
      : `${channel === 'sms' ? 'SMS' : 'WhatsApp'} is not set up: add the provider's credentials in Settings → Messages`,
    409,
  );
