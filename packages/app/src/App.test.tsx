import { render, screen } from '@testing-library/react';
import App from './App';

describe('App', () => {
  it('renders the sign-in page with the guest provider', async () => {
    process.env = {
      NODE_ENV: 'test',
      APP_CONFIG: [
        {
          data: {
            app: { title: 'Kamaji fleet' },
            backend: { baseUrl: 'http://localhost:7007' },
          },
          context: 'test',
        },
      ] as any,
    };

    render(App.createRoot());

    expect(
      await screen.findByRole('button', { name: /enter/i }, { timeout: 20000 }),
    ).toBeInTheDocument();
    expect(screen.getAllByText(/guest/i).length).toBeGreaterThan(0);
  }, 30000);
});
