-- title: Success of proposals by proposer gender
-- title_fa: موفقیت پیشنهادها به تفکیک جنسیت پیشنهاددهنده
-- description: Proposals and officially funded projects by the gender of the proposer, with the success rate.
-- description_fa: پیشنهادها و طرح‌های برگزیدهٔ رسمی به تفکیک جنسیت پیشنهاددهنده، با نرخ موفقیت.
-- params: cycle
SELECT coalesce(nullif(proposer_gender, ''), 'U') AS proposer_gender,
       count(*) AS proposals,
       count(*) FILTER (WHERE selected) AS funded,
       round(count(*) FILTER (WHERE selected) / count(*), 4) AS success_rate
FROM projects
WHERE cycle_id = $cycle
GROUP BY ALL
ORDER BY proposer_gender;
