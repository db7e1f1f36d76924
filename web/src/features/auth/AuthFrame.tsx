import { Box, Center, Group, Paper, Stack, Text, Title } from '@mantine/core';
import type { ReactNode } from 'react';

export function Brand({ size = 28 }: { size?: number }) {
  return (
    <Group gap={8} wrap="nowrap">
      <Box
        aria-hidden
        w={size}
        h={size}
        bg="teal.7"
        c="white"
        fw={700}
        fz={size * 0.6}
        style={{ borderRadius: size / 4, display: 'grid', placeItems: 'center', lineHeight: 1 }}
      >
        R
      </Box>
      <Text fw={700} fz={size * 0.7} c="dark.7">
        Rapport
      </Text>
    </Group>
  );
}

/** The frame of the pages before sign-in: brand, title, one card. */
export function AuthFrame({
  title,
  intro,
  children,
  width = 420,
}: {
  title: string;
  intro?: string;
  children: ReactNode;
  width?: number;
}) {
  return (
    <Center mih="100vh" p="md">
      <Stack w="100%" maw={width} gap="lg" py="xl">
        <Brand />
        <div>
          <Title order={1} fz={26}>
            {title}
          </Title>
          {intro && (
            <Text c="dimmed" mt={4}>
              {intro}
            </Text>
          )}
        </div>
        <Paper withBorder shadow="xs" p={{ base: 'md', sm: 'xl' }}>
          {children}
        </Paper>
      </Stack>
    </Center>
  );
}
