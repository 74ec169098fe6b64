import { Fragment } from 'react';

/**
 * A slash-separated id ("central/fleet-tenants/berlin-pos", "user:default/guest") that may wrap
 * after each "/", so that a narrow column breaks it between its parts, never inside a name.
 */
export function PathText({ text }: { text: string }) {
  const parts = text.split('/');
  return (
    <>
      {parts.map((part, i) => (
        <Fragment key={i}>
          {part}
          {i < parts.length - 1 && (
            <>
              /<wbr />
            </>
          )}
        </Fragment>
      ))}
    </>
  );
}
