-- title: Projects funded per 1,000 residents by category
-- title_fa: طرح‌های تأمین‌شده به ازای هر ۱٬۰۰۰ ساکن به تفکیک حوزه
-- description: Officially selected projects and their approved amounts per category, per 1,000 residents of the census population and per resident.
-- description_fa: طرح‌های برگزیدهٔ رسمی و مبلغ مصوب آن‌ها در هر حوزه، به ازای هر ۱٬۰۰۰ ساکن جمعیت سرشماری و به ازای هر نفر.
-- params: cycle
WITH pop AS (
    SELECT coalesce(sum(count), 0) AS residents FROM population WHERE cycle_id = $cycle
), funded AS (
    SELECT category, count(*) AS projects, sum(coalesce(approved, cost)) AS amount
    FROM projects
    WHERE cycle_id = $cycle AND selected
    GROUP BY category
)
SELECT c.category_id, c.name_fa, c.name_en,
       coalesce(f.projects, 0) AS funded_projects,
       coalesce(f.amount, 0) AS funded_amount,
       pop.residents,
       round(coalesce(f.projects, 0) * 1000.0 / nullif(pop.residents, 0), 6) AS funded_per_1000_residents,
       round(coalesce(f.amount, 0) / nullif(pop.residents, 0), 2) AS amount_per_resident
FROM categories c
CROSS JOIN pop
LEFT JOIN funded f ON f.category = c.category_id
WHERE c.cycle_id = $cycle
ORDER BY c.sort, c.category_id;
