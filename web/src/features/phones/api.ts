import { client, ok, type BodyOf } from '../../lib/api.ts';
import type { components } from '../../lib/api.gen.ts';

/** Phone systems (issue 19): Twilio Voice, 3CX and Asterisk/FreePBX. */
export type PhoneSettings = components['schemas']['PhoneSettings'];
export type PhoneCall = components['schemas']['PhoneCall'];
export type PhoneSystem = BodyOf<'/api/v1/phone/test-call', 'post'>['system'];

export const phoneKeys = { settings: ['phones', 'settings'] as const, calls: ['phones', 'calls'] as const };
const one = (id: string) => ({ params: { path: { id } } });

export const phonesApi = {
  settings: () => ok(client.GET('/api/v1/phone/settings')),
  update: (body: BodyOf<'/api/v1/phone/settings', 'put'>) =>
    ok(client.PUT('/api/v1/phone/settings', { body })),
  calls: () => ok(client.GET('/api/v1/phone/calls')),
  testCall: (system: PhoneSystem, from: string) =>
    ok(client.POST('/api/v1/phone/test-call', { body: { system, from } })),
  callBack: (id: string, note?: string) =>
    ok(client.POST('/api/v1/phone-calls/{id}/call-back', { ...one(id), body: note ? { note } : {} })),
  dismiss: (id: string) => ok(client.POST('/api/v1/phone-calls/{id}/dismiss', one(id))),
  /** The 3CX template, as the file 3CX imports. */
  async threecxTemplate(): Promise<Blob> {
    const res = await fetch('/api/v1/phone/3cx/template', { credentials: 'same-origin' });
    if (!res.ok) throw new Error(`The template could not be made (${res.status})`);
    return res.blob();
  },
};
