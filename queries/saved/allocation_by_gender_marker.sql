-- title: Allocation by gender marker
-- title_fa: تخصیص بودجه به تفکیک نشانگر جنسیتی
-- description: Proposed and funded projects and amounts by OECD DAC gender marker (0 not targeted, 1 significant, 2 principal; -1 not screened).
-- description_fa: طرح‌های پیشنهادی و تأمین‌شده و مبالغ آن‌ها به تفکیک نشانگر جنسیتی OECD DAC (۰ بدون هدف، ۱ مهم، ۲ اصلی؛ ۱- بررسی‌نشده).
-- params: cycle
SELECT coalesce(gender_marker, -1) AS gender_marker,
       count(*) AS projects,
       sum(cost) AS proposed_amount,
       count(*) FILTER (WHERE selected) AS funded_projects,
       coalesce(sum(coalesce(approved, cost)) FILTER (WHERE selected), 0) AS funded_amount,
       round(coalesce(sum(coalesce(approved, cost)) FILTER (WHERE selected), 0)
             / nullif(sum(sum(coalesce(approved, cost)) FILTER (WHERE selected)) OVER (), 0), 4) AS share_of_funding
FROM projects
WHERE cycle_id = $cycle
GROUP BY ALL
ORDER BY gender_marker;
