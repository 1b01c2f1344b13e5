-- Categories (working groups) of a cycle in display order.
SELECT category_id, name_fa, coalesce(name_en, ''), sort
FROM categories
WHERE cycle_id = $1
ORDER BY sort, category_id;
