-- title: Votes by gender
-- title_fa: آرا به تفکیک جنسیت
-- description: Votes cast and distinct voters by the gender of the voter.
-- description_fa: آرای داده‌شده و شمار رأی‌دهندگان به تفکیک جنسیت رأی‌دهنده.
-- params: cycle
SELECT coalesce(p.gender, 'U') AS gender,
       count(*) AS votes,
       count(DISTINCT v.participant_id) AS voters,
       round(count(*) / sum(count(*)) OVER (), 4) AS share_of_votes
FROM votes v
LEFT JOIN participants p ON p.cycle_id = v.cycle_id AND p.participant_id = v.participant_id
WHERE v.cycle_id = $cycle
GROUP BY ALL
ORDER BY gender;
