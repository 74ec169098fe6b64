import { Link, ResponseErrorPanel } from '@backstage/core-components';

/** A failed read, with a link to try again. */
export function ErrorWithRetry(props: { error: Error; retry: () => void }) {
  return (
    <>
      <ResponseErrorPanel error={props.error} />
      <Link
        to="#"
        onClick={e => {
          e.preventDefault();
          props.retry();
        }}
      >
        Retry
      </Link>
    </>
  );
}
