import { badInput } from '../../platform/errors.ts';
import { ruleBroken } from './complaints.errors.ts';
import type { Offer } from './complaints.schema.ts';

/** A step of a complaint's history as stored (data parsed). */
export type Step = {
  id: string;
  kind: string;
  actorId: string | null;
  at: string;
  data: Record<string, unknown>;
};

type OfferInput = {
  options: { kind: string; detail?: string | undefined; amount?: number | undefined }[];
  choice?: number | undefined;
  refused: boolean;
  refundReason?: string | undefined;
};

const optionKey = (o: {
  kind: string;
  detail?: string | null | undefined;
  amount?: number | null | undefined;
}) => `${o.kind}|${(o.detail ?? '').toLowerCase()}|${o.amount ?? ''}`;

/** The offers made on a complaint, oldest first, with the customer's answer (a later resolve may record it). */
export function offersOf(steps: readonly Step[]): Offer[] {
  const offers: Offer[] = [];
  for (const s of steps) {
    if (s.kind === 'offer') {
      const d = s.data as {
        options: { kind: Offer['options'][number]['kind']; detail?: string; amount?: number }[];
        choice?: number | null;
        refused?: boolean;
        refundReason?: string | null;
        alternativeTo?: string | null;
        note?: string | null;
      };
      offers.push({
        id: s.id,
        at: s.at,
        options: d.options.map((o) => ({ kind: o.kind, detail: o.detail ?? null, amount: o.amount ?? null })),
        response: d.refused
          ? 'refused'
          : d.choice !== undefined && d.choice !== null
            ? 'accepted'
            : 'pending',
        choice: d.choice ?? null,
        refundReason: d.refundReason ?? null,
        alternativeTo: d.alternativeTo ?? null,
        note: d.note ?? null,
      });
    } else if (s.kind === 'resolve') {
      const o = offers.find((x) => x.id === s.data.offerId);
      if (o && o.response === 'pending') {
        o.response = 'accepted';
        o.choice = Number(s.data.choice);
      }
    }
  }
  return offers;
}

/**
 * The rules of an offer: a refund needs a recorded reason (the last resort), a choice must exist, and after a
 * refusal the next offer must hold at least one option the customer has not refused yet (alternatives).
 * Returns the refused offer this one is an alternative to, if any.
 */
export function checkOffer(previous: readonly Offer[], input: OfferInput): string | null {
  if (input.choice !== undefined && input.choice >= input.options.length)
    throw badInput(
      'COMPLAINT_NO_SUCH_OPTION',
      'choice is not the index of an option offered',
      '/body/choice',
    );
  if (input.choice !== undefined && input.refused)
    throw badInput(
      'COMPLAINT_CHOICE_AND_REFUSAL',
      'An offer is either chosen from or refused',
      '/body/refused',
    );
  if (input.options.some((o) => o.kind === 'refund') && !input.refundReason?.trim())
    throw ruleBroken('COMPLAINT_REFUND_NO_REASON');
  const refused = previous.filter((o) => o.response === 'refused');
  const last = previous.at(-1);
  if (last?.response === 'refused') {
    const seen = new Set(refused.flatMap((o) => o.options.map(optionKey)));
    if (input.options.every((o) => seen.has(optionKey(o))))
      throw ruleBroken('COMPLAINT_OFFER_NOT_ALTERNATIVE');
    return last.id;
  }
  return null;
}

/**
 * The option the customer chose, for resolving: the offer named (with its recorded choice or the given one), else
 * the latest accepted offer. Refuses without any offer, without a choice, and on a refused offer.
 */
export function chosenOption(
  offers: readonly Offer[],
  input: { offerId?: string | undefined; choice?: number | undefined },
): { offer: Offer; option: Offer['options'][number]; index: number } {
  if (!offers.length) throw ruleBroken('COMPLAINT_RESOLVE_NO_OFFER');
  let offer: Offer | undefined;
  let index: number | undefined;
  if (input.offerId) {
    offer = offers.find((o) => o.id === input.offerId);
    if (!offer)
      throw badInput('COMPLAINT_OFFER_NOT_FOUND', 'No such offer on this complaint', '/body/offerId');
    if (offer.response === 'refused') throw ruleBroken('COMPLAINT_OFFER_REFUSED');
    index = input.choice ?? offer.choice ?? undefined;
  } else {
    offer = [...offers].reverse().find((o) => o.response === 'accepted');
    index = offer?.choice ?? undefined;
    if (!offer && input.choice !== undefined) {
      offer = [...offers].reverse().find((o) => o.response === 'pending');
      index = input.choice;
    }
  }
  if (!offer || index === undefined) throw ruleBroken('COMPLAINT_RESOLVE_NO_CHOICE');
  const option = offer.options[index];
  if (!option)
    throw badInput(
      'COMPLAINT_NO_SUCH_OPTION',
      'choice is not the index of an option offered',
      '/body/choice',
    );
  return { offer, option, index };
}

/** Documented attempts to reach the customer (respond with reached=false) at or after an instant. */
export const contactAttemptsSince = (steps: readonly Step[], since: string | null): number =>
  since ? steps.filter((s) => s.kind === 'respond' && s.data.reached === false && s.at >= since).length : 0;
