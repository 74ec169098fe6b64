import { makeStyles } from '@material-ui/core/styles';

/**
 * Tables inside cards: tighter cells, and words kept whole. The Backstage theme lets table cells
 * break inside words, which in a narrow card splits "Available" or "v1.34.2" over two lines. Cells
 * that hold ids or lists take `anywhere`, so that a long one still wraps.
 */
export const useDenseTableStyles = makeStyles(theme => ({
  table: {
    '& th, & td': {
      wordBreak: 'normal',
      padding: theme.spacing(0.75, 1),
    },
  },
  anywhere: { overflowWrap: 'anywhere' },
}));
