import { describe, expect, it } from 'vitest';
import { checkOffer, chosenOption, contactAttemptsSince, offersOf, type Step } from './ladder.ts';

const step = (
  id: string,
  kind: string,
  data: Record<string, unknown>,
  at = `2026-03-02T10:0${id}:00.000Z`,
): Step => ({
  id,
  kind,
  actorId: null,
  at,
  data,
});
const code = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    return (e as { code: string }).code;
  }
  return 'none';
};

describe('the resolution ladder', () => {
  const refused = step('1', 'offer', {
    options: [{ kind: 'repair' }, { kind: 'credit', amount: 500 }],
    refused: true,
  });
  const pending = step('2', 'offer', { options: [{ kind: 'replace' }, { kind: 'discount', detail: '20%' }] });

  it('reads offers and their answers from the history', () => {
    const offers = offersOf([refused, pending, step('3', 'resolve', { offerId: '2', choice: 1 })]);
    expect(offers.map((o) => [o.response, o.choice])).toEqual([
      ['refused', null],
      ['accepted', 1],
    ]);
  });

  it('refuses a refund without a recorded reason', () => {
    expect(code(() => checkOffer([], { options: [{ kind: 'refund' }], refused: false }))).toBe(
      'COMPLAINT_REFUND_NO_REASON',
    );
    expect(
      code(() => checkOffer([], { options: [{ kind: 'refund' }], refused: false, refundReason: '  ' })),
    ).toBe('COMPLAINT_REFUND_NO_REASON');
    expect(
      checkOffer([], {
        options: [{ kind: 'refund' }],
        refused: false,
        refundReason: 'Nothing else can help',
      }),
    ).toBeNull();
  });

  it('after a refusal, needs at least one option not refused before', () => {
    const previous = offersOf([refused]);
    expect(code(() => checkOffer(previous, { options: [{ kind: 'repair' }], refused: false }))).toBe(
      'COMPLAINT_OFFER_NOT_ALTERNATIVE',
    );
    expect(
      checkOffer(previous, {
        options: [{ kind: 'repair' }, { kind: 'credit', amount: 900 }],
        refused: false,
      }),
    ).toBe('1');
  });

  it('checks the choice index and refuses a choice together with a refusal', () => {
    expect(code(() => checkOffer([], { options: [{ kind: 'redo' }], choice: 1, refused: false }))).toBe(
      'COMPLAINT_NO_SUCH_OPTION',
    );
    expect(code(() => checkOffer([], { options: [{ kind: 'redo' }], choice: 0, refused: true }))).toBe(
      'COMPLAINT_CHOICE_AND_REFUSAL',
    );
  });

  it('resolves only with an offer, a choice, and never on a refused offer', () => {
    expect(code(() => chosenOption([], {}))).toBe('COMPLAINT_RESOLVE_NO_OFFER');
    const offers = offersOf([refused, pending]);
    expect(code(() => chosenOption(offers, {}))).toBe('COMPLAINT_RESOLVE_NO_CHOICE');
    expect(code(() => chosenOption(offers, { offerId: '1', choice: 0 }))).toBe('COMPLAINT_OFFER_REFUSED');
    expect(code(() => chosenOption(offers, { offerId: 'x' }))).toBe('COMPLAINT_OFFER_NOT_FOUND');
    expect(chosenOption(offers, { choice: 1 }).option).toEqual({
      kind: 'discount',
      detail: '20%',
      amount: null,
    });
    const chosen = offersOf([refused, step('2', 'offer', { options: [{ kind: 'redo' }], choice: 0 })]);
    expect(chosenOption(chosen, {}).option.kind).toBe('redo');
  });

  it('counts documented contact attempts since resolution only', () => {
    const steps = [
      step('1', 'respond', { reached: false }),
      step('2', 'resolve', {}),
      step('3', 'respond', { reached: false }),
      step('4', 'respond', { reached: true }),
      step('5', 'respond', { reached: false }),
    ];
    expect(contactAttemptsSince(steps, '2026-03-02T10:02:00.000Z')).toBe(2);
    expect(contactAttemptsSince(steps, null)).toBe(0);
  });
});
