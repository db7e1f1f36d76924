/**
 * The words for customer statuses and segments, the same on every screen (Insights, the customer's outlook,
 * the caller card, Home). The at-risk / lapsed rule is src/stats/rfm.ts `lifecycleStage` (STATUS_RULE);
 * RULE_TEXT says it in plain words with the same numbers.
 */

export type StageWords = { label: string; color: string; meaning: string; todo: string };

/** Lifecycle stages (the status badge). At risk and lapsed are never green. */
export const STAGES: Record<string, StageWords> = {
  new: {
    label: 'New',
    color: 'blue',
    meaning: 'Bought once so far.',
    todo: 'Thank them and invite them back.',
  },
  repeat: {
    label: 'Returning',
    color: 'teal',
    meaning: 'Came back at least once, on their usual rhythm.',
    todo: 'Keep them coming: a reminder when they are due.',
  },
  loyal: {
    label: 'Loyal',
    color: 'teal',
    meaning: 'Bought four times or more and still buys.',
    todo: 'Reward them; ask for a referral.',
  },
  'won back': {
    label: 'Won back',
    color: 'violet',
    meaning: 'Had gone quiet for a long time, and came back.',
    todo: 'Welcome them back; find out what brought them.',
  },
  'at risk': {
    label: 'At risk',
    color: 'orange',
    meaning: 'Later than their usual rhythm, and likely to stop buying.',
    todo: 'Call or message them now, while they still remember you.',
  },
  lapsed: {
    label: 'Lapsed',
    color: 'red',
    meaning: 'Silent for a long time; not expected to buy again.',
    todo: 'A win-back offer, or let them go.',
  },
};

export const stageWords = (stage: string | null | undefined): StageWords | null =>
  stage ? (STAGES[stage] ?? { label: stage, color: 'gray', meaning: '', todo: '' }) : null;

/** The one rule, as the page explains it (numbers of STATUS_RULE in src/stats/rfm.ts). */
export const RULE_TEXT = {
  atRisk:
    'At risk: silent for half as long again as their usual gap between purchases (bought once: more than 90 days ago), and under 60% likely to still be a customer.',
  lapsed:
    'Lapsed: silent for three times their usual gap (bought once: more than a year ago), under 20% likely to still be a customer, and not expected to buy even once in the next year.',
};

export type SegmentWords = { label: string; meaning: string; todo: string };

/**
 * RFM segments, named so they never borrow a status word: the segment the literature calls "at risk" is
 * "Slipping regulars" here, since "at risk" means the one rule above.
 */
export const SEGMENTS: Record<string, SegmentWords> = {
  champions: {
    label: 'Champions',
    meaning: 'Bought recently, often and big.',
    todo: 'Reward them; they will tell their friends.',
  },
  loyal: {
    label: 'Regulars',
    meaning: 'Buy often and spend well, a little less recently.',
    todo: 'Offer them something new from the shop.',
  },
  'potential loyalist': {
    label: 'Becoming regulars',
    meaning: 'Recent customers who already came back.',
    todo: 'A loyalty card or a thank-you gets them to regular.',
  },
  new: {
    label: 'Brand new',
    meaning: 'First purchase, very recently.',
    todo: 'Say thank you; ask how it went.',
  },
  promising: {
    label: 'Promising',
    meaning: 'Bought once, recently.',
    todo: 'Invite them back with something they will like.',
  },
  'need attention': {
    label: 'Need attention',
    meaning: 'Average customers, not seen for a while.',
    todo: 'A friendly reminder, a small offer.',
  },
  'about to sleep': {
    label: 'Going quiet',
    meaning: 'Bought little, not seen for a while.',
    todo: 'Remind them you are here.',
  },
  "can't lose them": {
    label: "Can't lose them",
    meaning: 'Bought big and often, but silent for months.',
    todo: 'Call them yourself.',
  },
  'at risk': {
    label: 'Slipping regulars',
    meaning: 'Used to buy often, not seen for a long while.',
    todo: 'Message them with something personal.',
  },
  hibernating: {
    label: 'Hibernating',
    meaning: 'Bought little, long ago.',
    todo: 'Include them in your next general offer.',
  },
  lost: { label: 'Gone', meaning: 'Bought little, very long ago.', todo: 'No effort needed.' },
};

export const segmentWords = (segment: string): SegmentWords =>
  SEGMENTS[segment] ?? { label: segment, meaning: '', todo: '' };
