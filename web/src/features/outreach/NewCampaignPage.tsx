import {
  Alert,
  Anchor,
  Button,
  Checkbox,
  Grid,
  Group,
  NumberInput,
  Paper,
  Radio,
  Select,
  Stack,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { errorMessage } from '../../lib/api.ts';
import { fieldErrors } from '../../lib/problems.ts';
import { STAGES } from '../analytics/words.ts';
import { AudienceCount, countSentence, useAudienceCount } from './AudienceCount.tsx';
import { ConfirmSend, ChannelNotReady, channelReady } from './CampaignParts.tsx';
import { outreachApi, outreachKeys, useOutreachSettings, useTemplates, type Audience } from './api.ts';
import { RenderedMessage } from './MessagePreview.tsx';
import {
  EMPTY_DRAFT,
  MessageFields,
  contentOf,
  draftOf,
  draftProblems,
  type Draft,
} from './MessageFields.tsx';
import { LISTS, plural } from './words.ts';
import './outreach.css';

type Who = 'at_risk' | 'lapsed' | 'stage' | 'tag' | 'all';
type Stage = Extract<Audience, { kind: 'stage' }>['stage'];
const STAGE_OPTIONS = (['new', 'repeat', 'loyal', 'at risk', 'lapsed', 'won back'] as const).map((s) => ({
  value: s,
  label: STAGES[s]?.label ?? s,
}));

/** Where a campaign starts from a link: ?audience=at_risk | lapsed | all | tag:regular | stage:loyal. */
function startFrom(param: string | null): { who: Who; tag: string; stage: Stage } {
  const base = { who: 'at_risk' as Who, tag: '', stage: 'loyal' as Stage };
  if (!param) return base;
  if (param === 'at_risk' || param === 'lapsed' || param === 'all') return { ...base, who: param };
  if (param.startsWith('tag:')) return { ...base, who: 'tag', tag: param.slice(4) };
  if (param.startsWith('stage:')) {
    const s = STAGE_OPTIONS.find((o) => o.value === param.slice(6));
    if (s) return { ...base, who: 'stage', stage: s.value };
  }
  return base;
}

/** Ready-made words for the one-click starting points (the owner edits them before sending). */
const STARTERS: Partial<Record<Who, { name: string; subject: string; body: string }>> = {
  at_risk: {
    name: 'Win back the at-risk customers',
    subject: 'We miss you, {{ customer.first_name }}',
    body: 'Hello {{ customer.first_name }},\n\nIt has been a while since we last saw you at {{ shop.name }}. We would love to welcome you back.\n\nIf anything was not right last time, just reply to this message and tell us.\n\nSee you soon!',
  },
  lapsed: {
    name: 'Ask the lapsed customers back',
    subject: 'Come back and see us, {{ customer.first_name }}',
    body: 'Hello {{ customer.first_name }},\n\nWe have not seen you at {{ shop.name }} for a long time, and we would love to know why. Reply to this message: what would bring you back?\n\nThank you!',
  },
};

/** Messages → New campaign: who, how, what; the count before sending; send (asked once more) or keep a draft. */
export default function NewCampaignPage() {
  const [params] = useSearchParams();
  const start = useMemo(() => startFrom(params.get('audience')), [params]);
  const starter = STARTERS[start.who];
  const navigate = useNavigate();
  const qc = useQueryClient();
  const settings = useOutreachSettings().data;
  const templates = useTemplates().data?.items ?? [];
  const [name, setName] = useState(starter?.name ?? '');
  const [who, setWho] = useState<Who>(start.who);
  const [tag, setTag] = useState(start.tag);
  const [stage, setStage] = useState<Stage>(start.stage);
  const [templateId, setTemplateId] = useState<string | null>(null);
  const [draft, setDraft] = useState<Draft>({
    ...EMPTY_DRAFT,
    purpose: 'marketing',
    subject: starter?.subject ?? '',
    body: starter?.body ?? '',
  });
  // the win-back starting points (Insights' at-risk and lapsed buttons) keep 10 % back and ask why
  const winBack = params.get('audience') === 'at_risk' || params.get('audience') === 'lapsed';
  const [holdout, setHoldout] = useState<number>(winBack ? 10 : 0);
  const [survey, setSurvey] = useState(winBack);
  const [tried, setTried] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const [tagTyped] = useDebouncedValue(tag.trim().toLowerCase(), 300);
  const audience: Audience | null =
    who === 'at_risk' || who === 'lapsed'
      ? { kind: 'list', list: who }
      : who === 'stage'
        ? { kind: 'stage', stage }
        : who === 'tag'
          ? tagTyped
            ? { kind: 'tag', tag: tagTyped }
            : null
          : { kind: 'all' };
  const count = useAudienceCount(audience, draft.channel, draft.purpose, holdout);
  const eligible = count.data?.eligible ?? 0;
  const reached = eligible - (count.data?.holdout ?? 0);
  const example = count.data?.examples.find((e) => !e.excluded)?.customerId;
  const problems = { ...draftProblems(draft), ...(!name.trim() && { name: 'Give the campaign a name' }) };
  const ready = settings ? channelReady(settings, draft.channel) : true;

  const create = useMutation({
    mutationFn: async (send: boolean) => {
      if (!audience) throw new Error('Choose who gets it');
      const c = await outreachApi.createCampaign({
        name: name.trim(),
        audience,
        ...contentOf(draft),
        ...(templateId && { templateId }),
        holdoutPercent: holdout,
        survey: survey ? 'defection' : null,
      });
      if (send) await outreachApi.sendCampaign(c.id).catch(() => undefined);
      return c;
    },
    onSuccess: (c) => {
      void qc.invalidateQueries({ queryKey: outreachKeys.campaigns });
      void navigate(`/messages/campaigns/${c.id}`);
    },
  });
  const serverErrors = create.isError ? fieldErrors(create.error) : {};
  const errors = { ...serverErrors, ...(tried ? problems : {}) };
  const check = () => {
    setTried(true);
    return Object.keys(problems).length === 0 && audience !== null;
  };
  const forChannel = templates.filter((t) => t.channel === draft.channel);

  return (
    <Stack gap="md" maw={1200}>
      <div>
        <Anchor component={Link} to="/messages" size="sm">
          ← Campaigns
        </Anchor>
        <Title order={1} fz={{ base: 22, sm: 26 }}>
          New campaign
        </Title>
      </div>
      <Grid gap="md">
        <Grid.Col span={{ base: 12, md: 7 }}>
          <Paper withBorder p="md">
            <form
              aria-label="New campaign"
              noValidate
              onSubmit={(e) => {
                e.preventDefault();
                if (check() && reached > 0 && ready) setConfirming(true);
              }}
            >
              <Stack gap="md">
                <TextInput
                  label="Campaign name"
                  description="For you: customers never see it"
                  required
                  value={name}
                  onChange={(e) => setName(e.currentTarget.value)}
                  error={errors.name}
                />
                <Radio.Group label="Who gets it" value={who} onChange={(v) => setWho(v as Who)}>
                  <Stack gap={6} mt={4}>
                    <Radio value="at_risk" label={LISTS.at_risk} description={STAGES['at risk']?.meaning} />
                    <Radio value="lapsed" label={LISTS.lapsed} description={STAGES.lapsed?.meaning} />
                    <Radio value="stage" label="Customers with a status" />
                    {who === 'stage' && (
                      <Select
                        label="Status"
                        data={STAGE_OPTIONS}
                        value={stage}
                        onChange={(v) => v && setStage(v as Stage)}
                        allowDeselect={false}
                        maw={260}
                        ml={30}
                      />
                    )}
                    <Radio value="tag" label="Customers with a tag" />
                    {who === 'tag' && (
                      <TextInput
                        label="Tag"
                        placeholder="regular"
                        value={tag}
                        onChange={(e) => setTag(e.currentTarget.value)}
                        error={tried && !tag.trim() ? 'Type the tag, as on the customers' : undefined}
                        maw={260}
                        ml={30}
                        autoFocus
                      />
                    )}
                    <Radio value="all" label="Everyone" />
                  </Stack>
                </Radio.Group>
                {forChannel.length > 0 && (
                  <Select
                    label="Start from a template"
                    placeholder="Write it here instead"
                    data={forChannel.map((t) => ({ value: t.id, label: t.name }))}
                    value={templateId}
                    clearable
                    onChange={(v) => {
                      setTemplateId(v);
                      const t = templates.find((x) => x.id === v);
                      if (t) setDraft({ ...draftOf(t), purpose: draft.purpose });
                    }}
                  />
                )}
                <MessageFields draft={draft} onChange={setDraft} errors={errors} />
                <NumberInput
                  label="Keep back (holdout), %"
                  description={`${
                    count.data
                      ? `${plural(count.data.holdout, 'customer')} ${count.data.holdout === 1 ? 'gets' : 'get'}`
                      : 'These customers get'
                  } nothing, so you can see whether the message, rather than chance, brought people back`}
                  min={0}
                  max={50}
                  step={5}
                  clampBehavior="strict"
                  allowDecimal={false}
                  allowNegative={false}
                  suffix=" %"
                  value={holdout}
                  onChange={(v) => setHoldout(typeof v === 'number' ? v : 0)}
                  styles={{ input: { maxWidth: 160 } }}
                />
                <Checkbox
                  label="Ask why they stopped (survey link)"
                  description="Each message ends with a link to a one-question survey: “Why did you stop coming?” The answers show in Insights."
                  checked={survey}
                  onChange={(e) => setSurvey(e.currentTarget.checked)}
                />
                {!ready && settings && <ChannelNotReady channel={draft.channel} s={settings} />}
                {create.isError && Object.keys(serverErrors).length === 0 && (
                  <Alert color="red" role="alert">
                    {errorMessage(create.error)}
                  </Alert>
                )}
                {count.data && (
                  <Text size="sm" hiddenFrom="md" fw={500}>
                    {countSentence(count.data, draft.channel)}
                  </Text>
                )}
                <Group gap="sm">
                  <Button type="submit" disabled={reached <= 0 || !ready} loading={create.isPending}>
                    {reached > 0
                      ? `Send to ${count.data?.holdout ? 'about ' : ''}${plural(reached, 'customer')}…`
                      : 'Send…'}
                  </Button>
                  <Button
                    variant="default"
                    loading={create.isPending}
                    onClick={() => check() && create.mutate(false)}
                  >
                    Save as draft
                  </Button>
                </Group>
              </Stack>
            </form>
          </Paper>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 5 }}>
          <Stack gap="md">
            <Paper withBorder p="md" component="section" aria-label="Who it reaches">
              <Title order={2} fz="lg" mb="xs">
                Who it reaches
              </Title>
              <AudienceCount
                audience={audience}
                channel={draft.channel}
                purpose={draft.purpose}
                holdoutPercent={holdout}
              />
            </Paper>
            {example && (
              <Paper withBorder p="md" component="section" aria-label="What they get">
                <Title order={2} fz="lg" mb="xs">
                  What they get
                </Title>
                <RenderedMessage content={contentOf(draft)} customerId={example} />
              </Paper>
            )}
          </Stack>
        </Grid.Col>
      </Grid>
      {count.data && (
        <ConfirmSend
          opened={confirming}
          onClose={() => setConfirming(false)}
          onConfirm={() => create.mutate(true)}
          sending={create.isPending}
          name={name.trim()}
          channel={draft.channel}
          preview={count.data}
        />
      )}
    </Stack>
  );
}
