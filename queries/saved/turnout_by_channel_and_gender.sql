-- title: Turnout by channel and gender
-- title_fa: میزان مشارکت در رأی‌گیری به تفکیک مجرا و جنسیت
-- description: Registered participants, those who cast a ballot and the turnout, by channel (online, in person, SMS, paper) and gender.
-- description_fa: شرکت‌کنندگان ثبت‌شده، کسانی که رأی دادند و نرخ مشارکت، به تفکیک مجرا (برخط، حضوری، پیامک، کاغذی) و جنسیت.
-- params: cycle
WITH voters AS (
    SELECT DISTINCT participant_id FROM votes WHERE cycle_id = $cycle
)
SELECT coalesce(p.channel, '') AS channel, p.gender,
       count(*) AS participants,
       count(v.participant_id) AS voters,
       round(count(v.participant_id) / count(*), 4) AS turnout
FROM participants p
LEFT JOIN voters v ON v.participant_id = p.participant_id
WHERE p.cycle_id = $cycle
GROUP BY ALL
ORDER BY channel, p.gender;
