import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/errors.js';
import { assignSteps, parseLogTimings, parseRealLine, visibleText } from '../../src/payload/log-timings.js';
import { readLogFixture } from './pipeline-snapshot.js';

const K = '\r\x1b[0K';

describe('parseLogTimings on runner logs', () => {
  it('reads a classic log: CRLF, ANSI, \\r overwrites, [collapsed=true], nested and repeated sections', () => {
    expect(parseLogTimings(readLogFixture('e2e-classic.log'))).toStrictEqual({
      // 9m9.999s is erased by `\r\e[2K`; decoys ("real user", "real-world-app", "realtime: 5s",
      // "real … user") are not results
      realTimes: [41.25, 67.125, 123.5],
      sections: {
        prepare_executor: 12,
        prepare_script: 2,
        get_sources: 5,
        step_script: 231,
        compose_pull: 42,
        compose_up: 68,
        e2e_suite: 118,
        e2e_login: 9 + 3,
        e2e_checkout: 58,
        upload_artifacts_on_success: 3,
        cleanup_file_variables: 1,
        // never_closed (no end) and not_opened (no start) are ignored
      },
    });
  });

  it('reads a timestamped log: prefixes removed, `+` continuations joined (also inside a marker)', () => {
    expect(parseLogTimings(readLogFixture('e2e-timestamped.log'))).toStrictEqual({
      realTimes: [3.004, 20.5, 60.999],
      sections: {
        prepare_executor: 3,
        get_sources: 3,
        step_script: 94,
        pull_images: 3,
        retry_step: 2 + 4,
        after_script: 1,
        upload_artifacts_on_success: 2,
        cleanup_file_variables: 0,
      },
    });
  });

  it('gives nothing for an empty log or one without markers and results', () => {
    expect(parseLogTimings('')).toStrictEqual({ realTimes: [], sections: {} });
    expect(parseLogTimings('hello\nreal\n\nreal world\n')).toStrictEqual({ realTimes: [], sections: {} });
  });
});

describe('section markers', () => {
  it('needs the \\r\\e[0K suffix GitLab writes after every marker', () => {
    const log = 'section_start:100:a\nsection_end:105:a\n' + `section_start:100:b${K}x\nsection_end:107:b${K}\n`;
    expect(parseLogTimings(log).sections).toStrictEqual({ b: 7 });
  });

  it('sums repeated sections, closes the latest open start of a name, counts an end before its start as 0', () => {
    const log = [
      `section_start:10:a${K}`,
      `section_start:20:a${K}`,
      `section_end:25:a${K}`,
      `section_end:40:a${K}`,
      `section_start:50:clock${K}section_end:45:clock${K}`,
      `section_start:60:a[collapsed=true,foo=bar]${K}section_end:61:a${K}`,
    ].join('\n');
    expect(parseLogTimings(log).sections).toStrictEqual({ a: 5 + 30 + 1, clock: 0 });
  });

  it('keeps names as written and ignores options', () => {
    const log = `section_start:1:My.Custom-step_1[collapsed=true]${K}section_end:4:My.Custom-step_1${K}`;
    expect(parseLogTimings(log).sections).toStrictEqual({ 'My.Custom-step_1': 3 });
  });

  it('skips hide_duration=true sections (display-only, around multi-line commands)', () => {
    const log =
      `section_start:1:step_script${K}section_start:2:section_script_step_0[hide_duration=true]${K}` +
      `section_start:2:shown[collapsed=true, hide_duration=false]${K}section_end:5:shown${K}` +
      `section_end:7:section_script_step_0${K}section_end:9:step_script${K}`;
    expect(parseLogTimings(log).sections).toStrictEqual({ step_script: 8, shown: 3 });
  });

  it('stores a section named __proto__ as an own key', () => {
    const sections = parseLogTimings(`section_start:1:__proto__${K}\nsection_end:3:__proto__${K}`).sections;
    expect(Object.keys(sections)).toStrictEqual(['__proto__']);
    expect(JSON.stringify(sections)).toBe('{"__proto__":2}');
  });
});

describe('bash `time` results', () => {
  it.each([
    ['real\t0m1.234s', 1.234],
    ['real 0m0.5s', 0.5],
    ['real\t1h2m3.5s', 3723.5],
    ['real\t12m0.000s', 720],
    ['real\t0m1,250s', 1.25],
    ['real\t0m 1.00s', 1],
    ['real 62.34', 62.34],
  ])('%j → %d s', (line, seconds) => {
    expect(parseRealLine(line)).toBe(seconds);
  });

  it.each(['real', 'real world', 'realtime 1s', 'real\t0m1.2s extra', 'user\t0m1.000s', 'really 1s'])('%j is not a result', (line) => {
    expect(parseRealLine(line)).toBeNull();
  });

  it('reads the visible text: after the last \\r, without ANSI codes, trimmed', () => {
    expect(visibleText('progress 10%\rprogress 100%')).toBe('progress 100%');
    expect(visibleText('\x1b[0;33m  real\t0m2.000s \x1b[0m')).toBe('real\t0m2.000s');
    expect(visibleText('real\t0m1.000s\r\x1b[2K')).toBe('');
    expect(parseLogTimings('x\rreal\t0m2.000s\r\n').realTimes).toStrictEqual([2]);
  });

  it('reads a result that follows a marker on the same line', () => {
    expect(parseLogTimings(`section_end:9:x${K}real\t0m4.000s\n`).realTimes).toStrictEqual([4]);
  });
});

describe('assignSteps', () => {
  const job = { optimistic: false, jobLabel: 'job "e2e-chrome" (#111)' };

  it('names results in order', () => {
    expect(assignSteps([7.25, 5.5], ['up', 'e2e'], job)).toStrictEqual({ up: 7.25, e2e: 5.5 });
  });

  it('folds pull into up and keeps up_without_pull and pull', () => {
    expect(assignSteps([41.25, 67.125, 123.5], ['pull', 'up', 'e2e'], job)).toStrictEqual({
      pull: 41.25,
      up: 108.375,
      e2e: 123.5,
      up_without_pull: 67.125,
    });
  });

  it('rounds to milliseconds', () => {
    expect(assignSteps([0.1, 0.2], ['pull', 'up'], job)).toStrictEqual({ pull: 0.1, up: 0.3, up_without_pull: 0.2 });
  });

  it('throws a ValidationError naming the job and both counts on a mismatch', () => {
    let error: unknown;
    try {
      assignSteps([1, 2, 3], ['up', 'e2e'], job);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).message).toBe(
      'Step timings of job "e2e-chrome" (#111) is invalid:\n' +
        '  the log has 3 bash `time` result(s) ("real …" lines) but 2 step name(s) are configured (up, e2e); ' +
        "make the step names match the job's timed commands, or pass --optimistic to assign the results in order and ignore the rest",
    );
    expect(() => assignSteps([], ['up', 'e2e'], job)).toThrow('the log has 0 bash `time` result(s)');
  });

  it('with optimistic, assigns what matches in order and ignores extras', () => {
    const optimistic = { ...job, optimistic: true };
    expect(assignSteps([1, 2, 3], ['up', 'e2e'], optimistic)).toStrictEqual({ up: 1, e2e: 2 });
    expect(assignSteps([4], ['pull', 'up', 'e2e'], optimistic)).toStrictEqual({ pull: 4 });
    expect(assignSteps([], ['up'], optimistic)).toStrictEqual({});
  });

  it('gives no steps and no error when no step names are configured', () => {
    expect(assignSteps([1, 2], [], job)).toStrictEqual({});
  });
});
