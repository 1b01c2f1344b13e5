-- Areas of a cycle, parents first.
SELECT area_id, coalesce(parent_id, ''), level, name_fa, coalesce(name_en, ''), coalesce(need_score, 0)
FROM areas
WHERE cycle_id = $1
ORDER BY CASE level WHEN 'city' THEN 0 WHEN 'district' THEN 1 ELSE 2 END, area_id;
