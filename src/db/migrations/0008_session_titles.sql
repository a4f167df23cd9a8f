-- Sessions stored before the title rule (docs/cli.md, "Session titles") without a title get the
-- first line of their first user message with text: tabs and line ends as spaces, runs of spaces as
-- one, cut at 80 characters with '…' — what src/shared/title.ts does, for ASCII whitespace.
UPDATE `sessions` SET `title` = (
  SELECT CASE WHEN length(line) <= 80 THEN line ELSE rtrim(substr(line, 1, 79)) || '…' END
  FROM (
    SELECT replace(replace(replace(replace(replace(replace(replace(replace(
      rtrim(substr(text, 1, instr(text || char(10), char(10)) - 1)),
      '  ', ' '), '  ', ' '), '  ', ' '), '  ', ' '), '  ', ' '), '  ', ' '), '  ', ' '), '  ', ' ') AS line
    FROM (
      SELECT ltrim(replace(replace(replace(replace(`content`, char(9), ' '), char(11), ' '), char(12), ' '), char(13), ' '), ' ' || char(10)) AS text
      FROM `messages`
      WHERE `session_pk` = `sessions`.`pk` AND `role` = 'user' AND `hidden` = 0 AND ltrim(`content`, ' ' || char(9, 10, 11, 12, 13)) <> ''
      ORDER BY `idx`
      LIMIT 1
    )
  )
)
WHERE `title` IS NULL OR trim(`title`, ' ' || char(9, 10, 11, 12, 13)) = '';
