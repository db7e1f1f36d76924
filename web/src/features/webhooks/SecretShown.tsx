import { Alert, Button, Code, CopyButton, Stack, Text } from '@mantine/core';

/** A new signing secret: shown once, with a copy button. */
export function SecretShown({
  secret,
  title,
  onClose,
}: {
  secret: string;
  title: string;
  onClose: () => void;
}) {
  return (
    <Alert color="orange" title={title} withCloseButton onClose={onClose} closeButtonLabel="I have copied it">
      <Stack gap="xs">
        <Text size="sm" fw={600}>
          Copy the signing secret now: it is shown only once. Your receiving system needs it to check that a
          message really came from Rapport.
        </Text>
        <Code block data-testid="webhook-secret" style={{ overflowWrap: 'anywhere', whiteSpace: 'pre-wrap' }}>
          {secret}
        </Code>
        <CopyButton value={secret}>
          {({ copied, copy }) => (
            <Button
              size="xs"
              color={copied ? 'teal' : 'dark'}
              onClick={copy}
              style={{ alignSelf: 'flex-start' }}
            >
              {copied ? 'Copied' : 'Copy secret'}
            </Button>
          )}
        </CopyButton>
      </Stack>
    </Alert>
  );
}
