import { http, HttpResponse } from 'msw';
import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { KamajiClient } from '../../api/KamajiClient';
import { kamajiApiRef } from '../../api/KamajiApi';
import { recorded } from '../../__fixtures__/recorded';
import type { UpgradePlanProgress } from '@kamaji-backstage/plugin-kamaji-common';
import { UpgradesContent } from './UpgradesPage';
import { BASE, setupKamajiServer } from '../../__testUtils__/http';

// By default the live-update stream is down: the view falls back to reading plans itself. The
// island picker reads the fleet's first page (every island).
const server = setupKamajiServer(
  http.get(`${BASE}/v1/events`, () => new HttpResponse(null, { status: 503 })),
  http.get(`${BASE}/v1/fleet`, () => HttpResponse.json(recorded.fleet())),
);

function render(path?: string) {
  const client = new KamajiClient({
    discoveryApi: { getBaseUrl: async () => BASE },
    fetchApi: { fetch: (i: any, init?: RequestInit) => fetch(i, init) },
  });
  return renderInTestApp(
    <TestApiProvider apis={[[kamajiApiRef, client]]}>
      <UpgradesContent />
    </TestApiProvider>,
    path ? { routeEntries: [path] } : undefined,
  );
}

describe('UpgradesContent', () => {
  it('creates a draft plan and shows its waves and what is refused, in words', async () => {
    const draft = recorded.upgradePlanDraft();
    let body: any;
    server.use(
      http.get(`${BASE}/v1/upgrade-plans`, () =>
        HttpResponse.json({
          items: [],
          page: { total: 0, offset: 0, limit: 50 },
        }),
      ),
      http.post(`${BASE}/v1/upgrade-plans`, async ({ request }) => {
        body = await request.json();
        return HttpResponse.json(draft, { status: 201 });
      }),
      http.get(`${BASE}/v1/upgrade-plans/${draft.id}`, () =>
        HttpResponse.json(draft),
      ),
    );
    await render();
    expect(
      await screen.findByText(
        'No upgrade plan yet: preview one with the form above.',
      ),
    ).toBeInTheDocument();
    await userEvent.type(screen.getByLabelText(/Target version/), 'v1.35.2');
    await userEvent.click(screen.getByRole('button', { name: /Island/ }));
    await userEvent.click(
      await screen.findByRole('option', { name: 'island-b (shop-berlin)' }),
    );
    await userEvent.click(screen.getByRole('button', { name: 'Preview plan' }));

    const plan = await screen.findByRole('region', {
      name: 'Upgrade plan to v1.35.2',
    });
    expect(body).toMatchObject({
      version: 'v1.35.2',
      selection: { island: 'central/fleet-islands/island-b' },
      dryRun: true,
      waves: { canary: 1 },
      gateTimeoutSeconds: 900,
    });
    expect(within(plan).getByText('draft')).toBeInTheDocument();
    expect(within(plan).getByText('Wave 1: canary')).toBeInTheDocument();
    const canary = within(plan).getByRole('table', { name: 'Wave 1' });
    expect(
      within(canary).getByText(draft.waves[0].clusterIds[0]),
    ).toBeInTheDocument();
    const refused = within(plan).getByRole('table', { name: 'Refused' });
    expect(
      within(refused).getByText(/skips a minor release/),
    ).toBeInTheDocument();
    expect(
      within(refused).getByText(/not a declared tenant/),
    ).toBeInTheDocument();
    expect(within(plan).getByRole('button', { name: 'start' })).toBeEnabled();
  });

  it('opens the plan named in ?plan= (the link of the upgrade plan template)', async () => {
    const draft = recorded.upgradePlanDraft();
    server.use(
      http.get(`${BASE}/v1/upgrade-plans`, () =>
        HttpResponse.json({
          items: [],
          page: { total: 0, offset: 0, limit: 50 },
        }),
      ),
      http.get(`${BASE}/v1/upgrade-plans/${draft.id}`, () =>
        HttpResponse.json(draft),
      ),
    );
    await render(`/?plan=${draft.id}`);
    const plan = await screen.findByRole('region', {
      name: `Upgrade plan to ${draft.version}`,
    });
    expect(within(plan).getByText('draft')).toBeInTheDocument();
  });

  it('starts a plan and follows it, then aborts it', async () => {
    const draft = recorded.upgradePlanDraft();
    const running = recorded.upgradePlanRunning();
    let current = recorded.upgradePlans().items[0];
    const commands: string[] = [];
    const served = () => {
      if (commands.includes('abort')) return { ...running, status: 'aborted' };
      return commands.length ? running : draft;
    };
    server.use(
      http.get(`${BASE}/v1/upgrade-plans`, () =>
        HttpResponse.json({
          items: [current],
          page: { total: 1, offset: 0, limit: 50 },
        }),
      ),
      http.get(`${BASE}/v1/upgrade-plans/${draft.id}`, () =>
        HttpResponse.json(served()),
      ),
      http.post(
        `${BASE}/v1/upgrade-plans/${draft.id}/:command`,
        ({ params }) => {
          commands.push(String(params.command));
          current = {
            ...current,
            status: params.command === 'abort' ? 'aborted' : 'running',
          };
          return HttpResponse.json(
            params.command === 'abort'
              ? { ...running, status: 'aborted' }
              : running,
          );
        },
      ),
    );
    await render();
    await userEvent.click(
      await screen.findByText(new Date(draft.createdAt).toLocaleString()),
    );
    const plan = await screen.findByRole('region', {
      name: 'Upgrade plan to v1.35.2',
    });
    await userEvent.click(within(plan).getByRole('button', { name: 'start' }));
    await waitFor(() =>
      expect(within(plan).getByText('running')).toBeInTheDocument(),
    );
    const canary = within(plan).getByRole('table', { name: 'Wave 1' });
    const gating = running.steps.find(s => s.wave === 0)!;
    expect(within(canary).getByText(gating.state)).toBeInTheDocument();
    expect(within(plan).getByRole('button', { name: 'pause' })).toBeEnabled();

    await userEvent.click(within(plan).getByRole('button', { name: 'abort' }));
    await waitFor(() =>
      expect(within(plan).getByText('aborted')).toBeInTheDocument(),
    );
    expect(within(plan).queryByRole('button', { name: 'abort' })).toBeNull();
    expect(commands).toEqual(['start', 'abort']);
  });

  it('follows a running plan from upgrade-plan events of the live-update stream', async () => {
    const running = recorded.upgradePlanRunning();
    const canary = running.steps.find(s => s.wave === 0)!;
    const encoder = new TextEncoder();
    let stream: ReadableStreamDefaultController<Uint8Array> | undefined;
    let reads = 0;
    server.use(
      http.get(`${BASE}/v1/upgrade-plans`, () =>
        HttpResponse.json({
          items: [{ ...running, steps: [] }],
          page: { total: 1, offset: 0, limit: 50 },
        }),
      ),
      http.get(`${BASE}/v1/upgrade-plans/${running.id}`, () => {
        reads++;
        return HttpResponse.json(running);
      }),
      http.get(
        `${BASE}/v1/events`,
        () =>
          new HttpResponse(
            new ReadableStream<Uint8Array>({
              start(controller) {
                stream = controller;
                controller.enqueue(
                  encoder.encode(
                    'event: snapshot-version\nid: 1\ndata: {"version":1,"generatedAt":"x"}\n\n',
                  ),
                );
              },
            }),
            { headers: { 'Content-Type': 'text/event-stream' } },
          ),
      ),
    );
    await render(`/?plan=${running.id}`);
    const plan = await screen.findByRole('region', {
      name: 'Upgrade plan to v1.35.2',
    });
    await screen.findByText('Progress: live');
    expect(within(plan).getByText('running')).toBeInTheDocument();
    const readsBefore = reads;
    const sendProgress = (progress: UpgradePlanProgress) =>
      stream!.enqueue(
        encoder.encode(
          `event: upgrade-plan\ndata: ${JSON.stringify(progress)}\n\n`,
        ),
      );

    const failed = {
      ...canary,
      state: 'failed' as const,
      message: 'gate timed out after 60 s',
      finishedAt: '2026-12-03T15:06:46.916Z',
    };
    sendProgress({
      planId: running.id,
      status: 'halted',
      revision: running.revision + 2,
      updatedAt: failed.finishedAt,
      message: `halted: ${canary.clusterId} failed: gate timed out after 60 s`,
      steps: [failed],
    });
    await waitFor(() =>
      expect(within(plan).getByText('halted')).toBeInTheDocument(),
    );
    const wave1 = within(plan).getByRole('table', { name: 'Wave 1' });
    expect(within(wave1).getByText('failed')).toBeInTheDocument();
    expect(
      within(plan)
        .getAllByRole('button')
        .map(b => b.textContent),
    ).toEqual(['retry failed and resume', 'abort']);
    expect(
      within(plan).getAllByText(/gate timed out after 60 s/).length,
    ).toBeGreaterThan(0);
    // The event, not a read, moved the view; and nothing polls while the stream is live.
    expect(reads).toBe(readsBefore);
    // An older event changes nothing.
    sendProgress({
      planId: running.id,
      status: 'running',
      revision: running.revision + 1,
      updatedAt: failed.finishedAt,
      steps: [],
    });
    // The view handles the event within act(), as React's test rules want for any update.
    await act(() => new Promise(r => setTimeout(r, 50)));
    expect(within(plan).getByText('halted')).toBeInTheDocument();
  });

  it('shows the backend refusal of a user without kamaji.fleet.upgrade', async () => {
    server.use(
      http.get(`${BASE}/v1/upgrade-plans`, () =>
        HttpResponse.json(
          {
            error: {
              name: 'NotAllowedError',
              message:
                'You may not read upgrade plans (permission kamaji.fleet.upgrade)',
            },
            response: { statusCode: 403 },
          },
          { status: 403 },
        ),
      ),
    );
    await render();
    const refusal = await screen.findAllByText(
      /You may not read upgrade plans \(permission kamaji\.fleet\.upgrade\)/,
    );
    expect(refusal[0]).toBeInTheDocument();
  });
});
