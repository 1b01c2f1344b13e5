-- A dataset of a cycle already loaded from a file with the same content.
SELECT dataset_id FROM datasets WHERE cycle_id = $1 AND sha256 = $2 AND status = 'loaded' LIMIT 1;
