/**
 * The dry-run previews the day-2 dialogs wait for, served from the responses recorded from the
 * real backend (`recorded.preview*`). Tests about the action itself serve these so its confirm
 * button can be enabled; the preview tests look at their content.
 */
import { http, HttpResponse } from 'msw';
import type { SetupServer } from 'msw/node';
import { recorded } from '../__fixtures__/recorded';
import { BASE } from './http';

export function servePreviews(server: SetupServer) {
  const asked: string[] = [];
  server.use(
    http.post(
      `${BASE}/v1/clusters/:mc/:ns/:name/:action/preview`,
      ({ params, request }) => {
        asked.push(`${params.action} ${new URL(request.url).pathname}`);
        switch (params.action) {
          case 'upgrade':
            return HttpResponse.json(recorded.previewUpgrade());
          case 'scale':
            return HttpResponse.json(recorded.previewScale());
          default:
            return HttpResponse.json(recorded.previewDelete());
        }
      },
    ),
  );
  return asked;
}
