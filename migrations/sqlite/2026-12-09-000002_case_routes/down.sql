DROP TABLE case_route_steps;
DROP TABLE case_routes;
