META
key;value
description;Ordinal
budget;30
vote_type;ordinal
rule;greedy
PROJECTS
project_id;cost;selected
1;10;1
2;20;0
3;5;
VOTES
voter_id;vote;sex;age;district
+48 601 234 567;3,1,2;K;41;North
b;2;O;;South
