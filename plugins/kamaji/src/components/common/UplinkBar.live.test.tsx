import { useState } from 'react';
import { http, HttpResponse } from 'msw';
import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import type { ConnectionState } from '@kamaji-backstage/plugin-kamaji-common';
import { kamajiApiRef } from '../../api/KamajiApi';
import { recorded } from '../../__fixtures__/recorded';
import { BASE, setupKamajiServer, testClient } from '../../__testUtils__/http';
import { UplinkBar } from './UplinkBar';

const server = setupKamajiServer();
const ISLAND = 'central/fleet-islands/island-a';

/** An island whose live connection drops when the button is pressed. */
function Island() {
  const [connection, setConnection] = useState<ConnectionState>({
    status: 'connected',
    since: '2026-12-07T10:00:00.000Z',
  });
  return (
    <>
      <button
        onClick={() =>
          setConnection({
            status: 'disconnected',
            since: '2026-12-07T10:05:00.000Z',
          })
        }
      >
        drop
      </button>
      <UplinkBar islandId={ISLAND} connection={connection} />
    </>
  );
}

describe('UplinkBar', () => {
  it("asks for the history again when the island's live connection changes, showing the last answer meanwhile", async () => {
    let asked = 0;
    server.use(
      http.get(
        `${BASE}/v1/islands/central/fleet-islands/island-a/uplink`,
        () => {
          asked++;
          return HttpResponse.json(recorded.islandAUplink());
        },
      ),
    );
    await renderInTestApp(
      <TestApiProvider apis={[[kamajiApiRef, testClient()]]}>
        <Island />
      </TestApiProvider>,
    );
    await screen.findByTestId('island-uplink');
    expect(asked).toBe(1);
    await userEvent.click(screen.getByRole('button', { name: 'drop' }));
    expect(screen.getByTestId('island-uplink')).toBeInTheDocument();
    await waitFor(() => expect(asked).toBe(2));
  });
});
