import type { Command } from 'commander';
import { mergeCampaigns } from '../../campaign/merge.js';
import { EXIT_BUGS, EXIT_OK, type CliIo } from '../io.js';
import { checkFolderFlag } from '../options.js';

export function mergeCommand(program: Command, io: CliIo, setExit: (code: number) => void): void {
  program
    .command('merge')
    .description('join campaign folders (shards of one seed) into one: one case per bug signature, counters added up')
    .argument('<dirs...>', 'campaign folders')
    .requiredOption('--out <dir>', 'the merged campaign folder')
    .action((dirs: string[], opts: { out: string }) => {
      checkFolderFlag('--out', opts.out);
      const summary = mergeCampaigns(dirs, opts.out);
      io.out(
        `merged ${dirs.length} folders into ${opts.out}: ${summary.tests} tests, ${summary.bugs.length} bugs ` +
          `(${summary.newBugs} new, ${summary.regressions} regressions)\n`,
      );
      setExit(summary.newBugs + summary.regressions > 0 ? EXIT_BUGS : EXIT_OK);
    });
}
