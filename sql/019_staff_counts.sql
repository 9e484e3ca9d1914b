-- A wijkregisseur's count of the posts of their areas on the staff news list: the posts of
-- those areas read from this index, not every post with its area looked up.
CREATE INDEX news_area ON news(area_id);
