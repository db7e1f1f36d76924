import { z } from 'zod';

/**
 * The playbook for difficult customers (brief 003) and the last-resort rule for refunds (brief 002), served to
 * the UI so staff see it beside the complaint form. Each guided step names the field or action it leads to.
 */
export const PLAYBOOK: Playbook = {
  dos: [
    'Be clear, specific, and straight to the point.',
    'Be prepared and organised. Anticipate and be proactive in answering enquiries.',
    'Stick to business: demanding customers are not interested in small talk.',
    'Ask specific questions, e.g. "May I know what exactly is the problem with your card?"',
    'Provide a choice of options.',
    'Keep your cool.',
  ],
  donts: [
    "Don't ramble, theorise, or engage in small talk. Get to the point.",
    "Don't be disorganised: demanding customers have no patience for incompetence.",
    "Don't leave any loose ends: present an outright solution to their problem.",
    "Don't ignore the customer's presence or their anger.",
    "Don't put the blame on the customer or shift it to another office.",
    "Don't refer them elsewhere without listening to and determining the problem your office can solve.",
    'Don\'t answer "our terms and conditions clearly state…": it only antagonises.',
  ],
  refund:
    'A refund is the last resort: first look for a solution that leaves everyone happy (repair, replace, redo, a discount or credit). If a refund it must be, record why.',
  value:
    '"When I see a frown on a customer\'s face, I see {amount} about to walk out the door." The value at stake on each complaint is what this customer could spend with you over a lifetime.',
  valueAmount: 50_000,
  steps: [
    {
      key: 'greet',
      title: 'Greet',
      prompt: 'Recognise the customer: greet them by name and make them feel comfortable.',
      example: 'Good {timeOfDay} {name}, thank you for coming to us with this.',
      records: null,
    },
    {
      key: 'listen',
      title: 'Listen',
      prompt: "Listen attentively without interrupting. Write down the customer's own words.",
      example: null,
      records: 'words',
    },
    {
      key: 'paraphrase',
      title: 'Paraphrase',
      prompt:
        'Say the concern back in your own words to be sure you understood; record it as the problem statement.',
      example: 'So the cake you collected on Saturday was the wrong flavour, and the party was that evening?',
      records: 'paraphrase',
    },
    {
      key: 'empathise',
      title: 'Empathise',
      prompt: 'Acknowledge how they feel, without blaming them or another office.',
      example: 'I understand how you feel. I can see your point.',
      records: null,
    },
    {
      key: 'offer',
      title: 'Offer options',
      prompt:
        'Ask "How may I help you?" and offer a choice of options. If their preferred solution is not possible, offer alternatives.',
      example: 'We can bake a new one for tomorrow, or give you a full credit on your next order.',
      records: 'offer',
    },
    {
      key: 'confirm',
      title: 'Confirm',
      prompt:
        'When a solution is accepted, apologise for the inconvenience and confirm what will happen and when. Close only once the customer confirms it is done.',
      example:
        'I am sorry for the trouble. Your new cake will be ready at 10 tomorrow; I will call you when it is.',
      records: 'resolve',
    },
  ],
};

export const playbookSchema = z
  .object({
    dos: z.array(z.string()),
    donts: z.array(z.string()),
    refund: z.string(),
    value: z.string().describe('`{amount}`: valueAmount in the workspace currency'),
    valueAmount: z.number().describe('Whole units of the workspace currency'),
    steps: z.array(
      z.object({
        key: z.string(),
        title: z.string(),
        prompt: z.string(),
        example: z
          .string()
          .nullable()
          .describe(
            "`{name}`: the customer's name; `{timeOfDay}`: morning, afternoon or evening where the shop is",
          ),
        records: z.string().nullable().describe('The field or action this step fills in'),
      }),
    ),
  })
  .meta({ id: 'ComplaintPlaybook' });
export type Playbook = z.infer<typeof playbookSchema>;
